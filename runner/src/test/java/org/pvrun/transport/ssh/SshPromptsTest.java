package org.pvrun.transport.ssh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pvrun.ExitCode;
import org.pvrun.PvrunException;

/** How JSch's questions (keyboard-interactive, passphrases, passwords) reach the user, or fail without a terminal. */
class SshPromptsTest {

    private static final class Recorder implements SshPrompter {
        final List<String> asked = new ArrayList<>();
        final List<String> shown = new ArrayList<>();

        @Override
        public String ask(String prompt, boolean echo) {
            asked.add(prompt + "|" + echo);
            return "answer" + asked.size();
        }

        @Override
        public void show(String message) {
            shown.add(message);
        }
    }

    @Test
    void keyboardInteractiveQuestionsAreAskedInOrderWithTheirEchoFlags() {
        Recorder r = new Recorder();
        SshSessionFactory.Prompts prompts = new SshSessionFactory.Prompts(r, "jdoe@hpc:22");
        String[] answers = prompts.promptKeyboardInteractive("jdoe@hpc", "Duo", "Two-factor login",
                new String[] {"Password: ", "Verification code: "}, new boolean[] {false, true});
        assertArrayEquals(new String[] {"answer1", "answer2"}, answers);
        assertEquals(List.of("Password: |false", "Verification code: |true"), r.asked);
        assertEquals(List.of("Duo\nTwo-factor login"), r.shown);
        // an info request without questions only shows its text
        assertArrayEquals(new String[0], prompts.promptKeyboardInteractive("d", "", "Welcome", new String[0], new boolean[0]));
    }

    @Test
    void withoutATerminalEachKindOfQuestionIsAClearEnvironmentError() {
        SshSessionFactory.Prompts prompts = new SshSessionFactory.Prompts(SshPrompter.none(), "jdoe@hpc:22");
        PvrunException otp = assertThrows(PvrunException.class, () -> prompts.promptKeyboardInteractive("d", "", "",
                new String[] {"Verification code: "}, new boolean[] {true}));
        assertEquals(ExitCode.ENVIRONMENT, otp.exitCode());
        assertTrue(otp.getMessage().contains("Verification code:") && otp.getMessage().contains("jdoe@hpc:22"), otp.getMessage());

        PvrunException key = assertThrows(PvrunException.class, () -> prompts.promptPassphrase("Passphrase for /home/j/.ssh/id"));
        assertEquals(ExitCode.ENVIRONMENT, key.exitCode());
        assertTrue(key.getMessage().contains("/home/j/.ssh/id") && key.getMessage().contains("ssh-add"), key.getMessage());

        PvrunException pw = assertThrows(PvrunException.class, () -> prompts.promptPassword("Password for jdoe@hpc"));
        assertEquals(ExitCode.ENVIRONMENT, pw.exitCode());
        assertTrue(pw.getMessage().contains("password"), pw.getMessage());
    }

    @Test
    void answersAreHandedToJschButNeverHostKeyConfirmations() {
        Recorder r = new Recorder();
        SshSessionFactory.Prompts prompts = new SshSessionFactory.Prompts(r, "t");
        assertTrue(prompts.promptPassphrase("Passphrase for k"));
        assertEquals("answer1", prompts.getPassphrase());
        assertEquals(List.of("Passphrase for k: |false"), r.asked);
        assertFalse(prompts.promptYesNo("The authenticity of host ... can't be established. Continue?"));
    }
}
