package org.pvrun.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** pvserver's readiness lines, as ParaView 5.11 prints them (captured under Slurm and by hand). */
class PvserverOutputTest {
    /** What `srun -n 2 pvserver --server-port=0` wrote to the job's output on the test cluster. */
    static final String CAPTURED = "pvrun: Xvfb on display :1\n"
            + "Waiting for client...\n"
            + "Connection URL: cs://vm:0\n"
            + "Accepting connection(s): vm:41181\n";

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "Accepting connection(s): vm:41181                          | vm                 | 41181",
        "Accepting connection(s): node017.cluster.example.org:11111 | node017.cluster.example.org | 11111",
        "0: Accepting connection(s): cn-3:40000                     | cn-3               | 40000",
        "Accepting connection(s): vm:41181\r                        | vm                 | 41181",
        "\u001B[0mAccepting connection(s): vm:41181\u001B[0m          | vm                 | 41181",
        "Accepting connection(s): 10.1.2.3:5000                     | 10.1.2.3           | 5000",
        "Accepting connection(s): [fe80::1]:5000                    | fe80::1            | 5000",
    })
    void readsTheNodeAndPort(String line, String host, int port) {
        PvserverOutput.Address a = PvserverOutput.accepting("Waiting for client...\n" + line + "\n");
        assertEquals(new PvserverOutput.Address(host, port), a, line);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "Waiting for client...",
        "Connection URL: cs://vm:0",
        "Connection URL: cs://vm:11111",
        "Accepting connection(s): vm",
        "Accepting connection(s): vm:",
        "Accepting connection(s): vm:0",
        "Accepting connection(s): vm:99999",
        "Accepting connection(s): vm:41181 and more",
        "accepting connection(s): vm:41181x",
    })
    void ignoresEverythingElse(String line) {
        assertNull(PvserverOutput.accepting(line + "\n"), line);
    }

    @Test
    void capturedJobOutput() {
        assertEquals(new PvserverOutput.Address("vm", 41181), PvserverOutput.accepting(CAPTURED));
        assertEquals("vm:41181", PvserverOutput.accepting(CAPTURED).toString());
        assertFalse(PvserverOutput.clientConnected(CAPTURED));
        assertTrue(PvserverOutput.clientConnected(CAPTURED + "Client connected.\n"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "Client connected.                 | true",
        "0: Client connected.              | true",
        "Client connected.\r               | true",
        "Connecting to client (reverse connection requested)... | false",
        "Client connected                  | false",
        "No Client connected. yet          | false",
    })
    void clientConnectedLine(String line, boolean expected) {
        assertEquals(expected, PvserverOutput.clientConnected(line), line);
    }
}
