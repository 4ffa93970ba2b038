package org.pvrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.testing.Cli;

/** A host alias that is not found names the SSH configuration that was read, and where ~ was (docs/targets.md#home). */
class SshHomeCliTest {
    @TempDir
    Path tmp;

    @Test
    void anUnknownAliasNamesTheConfigFileRead() throws Exception {
        Path config = Files.writeString(tmp.resolve("ssh_config"), "Host other\n  HostName 127.0.0.1\n");
        Path targets = Files.writeString(tmp.resolve("targets.yaml"), "targets:\n  hpc:\n    host: hpc-alias.invalid\n"
                + "    scheduler: slurm\n  hpc-openssh:\n    host: hpc-alias.invalid\n    scheduler: slurm\n"
                + "    transport: openssh\n");
        Files.writeString(tmp.resolve("s.py"), "");
        Path spec = Files.writeString(tmp.resolve("p.yaml"), "name: p\nscript: s.py\n");
        Map<String, String> env = Map.of("PVRUN_SSH_CONFIG", config.toString(), "PVRUN_STATE", tmp.resolve("state").toString(),
                "HOME", tmp.resolve("elsewhere").toString());
        Cli.Result r = Cli.run(env, "run", spec.toString(), "-t", "hpc", "--targets", targets.toString(),
                "-o", tmp.resolve("results").toString());
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.err().contains("unknown host name hpc-alias.invalid. It is not a Host alias in " + config + "."),
                r.err());

        Cli.Result openssh = Cli.run(env, "run", spec.toString(), "-t", "hpc-openssh", "--targets", targets.toString(),
                "-o", tmp.resolve("results").toString());
        assertEquals(3, openssh.exitCode(), openssh.toString());
        assertTrue(openssh.err().contains("unknown host name. ssh said:") && openssh.err().contains("ssh read " + config
                + " (PVRUN_SSH_CONFIG)"), openssh.err());

        Cli.Result dflt = Cli.run(Map.of("PVRUN_STATE", tmp.resolve("state").toString(), "HOME", tmp.toString()),
                "run", spec.toString(), "-t", "hpc", "--targets", targets.toString(), "-o", tmp.resolve("results").toString());
        assertEquals(3, dflt.exitCode(), dflt.toString());
        String passwdHome = System.getProperty("user.home");
        assertTrue(dflt.err().contains("It is not a Host alias in " + passwdHome + "/.ssh/config")
                && dflt.err().contains("OpenSSH, and pvrun with it, takes ~ from the password database (" + passwdHome
                        + "), whatever $HOME says"), dflt.err());
    }
}
