package org.pvrun.transport.ssh;

import java.io.Console;

/**
 * Where SSH authentication asks its questions (key passphrases, one-time codes, passwords). The default is the
 * terminal; tests and non-interactive callers supply their own.
 */
public interface SshPrompter {

    /**
     * Asks one question.
     *
     * @param echo whether the answer may be shown while typed (false for secrets)
     * @return the answer, or {@code null} if there is nobody to ask
     */
    String ask(String prompt, boolean echo);

    /** Shows a message from the server (a banner or keyboard-interactive instructions), if anyone can see it. */
    void show(String message);

    /** Asks on the terminal ({@link System#console()}); answers {@code null} when there is none. */
    static SshPrompter console() {
        return new SshPrompter() {
            @Override
            public String ask(String prompt, boolean echo) {
                Console console = System.console();
                if (console == null) {
                    return null;
                }
                if (echo) {
                    return console.readLine("%s", prompt);
                }
                char[] answer = console.readPassword("%s", prompt);
                return answer == null ? null : new String(answer);
            }

            @Override
            public void show(String message) {
                Console console = System.console();
                if (console != null && message != null && !message.isBlank()) {
                    console.printf("%s%n", message.strip());
                    console.flush();
                }
            }
        };
    }

    /** Never asks: for batch use where any prompt is an error. */
    static SshPrompter none() {
        return new SshPrompter() {
            @Override
            public String ask(String prompt, boolean echo) {
                return null;
            }

            @Override
            public void show(String message) {}
        };
    }
}
