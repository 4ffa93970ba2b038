package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pvbatch launch line: {@code --no-mpi} only for a pvbatch started on its own whose ParaView has the option. */
class PvbatchTest {

    @ParameterizedTest(name = "{0} x{1}, ParaView {2}: {3}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        // launcher              | ranks | version   | launch (before the driver)
        "mpiexec                 | 1     | 5.11.0    | pv --no-mpi --force-offscreen-rendering",
        "mpiexec                 | 1     | 5.10.1    | pv --no-mpi --force-offscreen-rendering",
        "mpiexec                 | 1     | 6.0.0     | pv --no-mpi --force-offscreen-rendering",
        "mpiexec                 | 1     | 5.12.0-RC1| pv --no-mpi --force-offscreen-rendering",
        "mpiexec                 | 1     | 5.9.1     | pv --force-offscreen-rendering",
        "mpiexec                 | 1     | 4.4.0     | pv --force-offscreen-rendering",
        "mpiexec                 | 1     | null      | pv --force-offscreen-rendering",
        "mpiexec                 | 1     | unknown   | pv --force-offscreen-rendering",
        "mpiexec                 | 2     | 5.11.0    | mpiexec -n 2 pv --force-offscreen-rendering",
        "srun                    | 1     | 5.11.0    | srun -n 1 pv --force-offscreen-rendering",
        "none                    | 1     | 5.11.0    | pv --no-mpi --force-offscreen-rendering",
        "none                    | 2     | 5.11.0    | pv --force-offscreen-rendering",
        "mpirun -np {ranks}      | 1     | 5.11.0    | mpirun -np 1 pv --force-offscreen-rendering",
        "mpiexec -n {ranks}      | 1     | 5.11.0    | mpiexec -n 1 pv --force-offscreen-rendering",
    })
    void noMpiOnlyWhenPvbatchRunsAlone(String launcher, int ranks, String version, String expected) {
        List<String> argv = Pvbatch.launchCommand(launcher, ranks, "pv", version, "driver.py", "job");
        List<String> want = new java.util.ArrayList<>(Arrays.asList(expected.split(" ")));
        want.add("driver.py");
        want.add("job");
        assertEquals(want, argv);
    }
}
