package org.pvrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.pvrun.testing.Cli;
import picocli.CommandLine;

/** Every help page reads as written: no example line is wrapped mid-phrase, and bare pvrun is a usage error. */
class HelpTextTest {
    @Test
    void noFooterLineOfAnyCommandIsWrapped() {
        CommandLine cl = CommandLineFactory.create(System.out, System.err, Map.of());
        List<String> wrapped = new ArrayList<>();
        List<CommandLine> all = new ArrayList<>(List.of(cl));
        all.addAll(cl.getSubcommands().values());
        for (CommandLine c : all) {
            String help = c.getUsageMessage(CommandLine.Help.Ansi.OFF);
            for (String line : c.getCommandSpec().usageMessage().footer()) {
                String shown = String.format(line);
                if (!shown.isBlank() && !help.contains(shown)) {
                    wrapped.add(c.getCommandName() + ": " + shown + " (" + shown.length() + " characters)");
                }
            }
        }
        assertEquals(List.of(), wrapped, "footer lines longer than the help's width of "
                + cl.getUsageHelpWidth() + " are wrapped");
    }

    @Test
    void barePvrunIsAUsageErrorWithTheHelpOnStderr() {
        Cli.Result r = Cli.run();
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("Usage: pvrun"), r.err());
        assertTrue(r.err().contains("pvrun: give a spec (pvrun SPEC.yaml) or a command (pvrun help)"), r.err());
    }
}
