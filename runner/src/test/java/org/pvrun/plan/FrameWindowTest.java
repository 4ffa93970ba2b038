package org.pvrun.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The driver's windows (pvrun_frames.window, run under python3) against the planner's task count: for every frame
 * count 0 to 60 and every frames_per_task 1 to 12, the ⌈frames / F⌉ tasks the planner makes cover each frame
 * exactly once, in order, each window F frames but the last; and split: N shares them evenly, likewise.
 */
class FrameWindowTest {
    static final Path RUNTIME = Path.of("src/main/resources/org/pvrun/runtime");

    @Test
    void windowsCoverEveryFrameOnceForTheTasksThePlannerMakes() throws Exception {
        StringBuilder cases = new StringBuilder();
        for (int frames = 0; frames <= 60; frames++) {
            for (int f = 1; f <= 12; f++) {
                cases.append(frames).append(' ').append(Planner.partsFor(frames, f)).append(' ').append(f).append('\n');
                cases.append(frames).append(' ').append(f).append(" 0\n"); // split: f
            }
        }
        String py = "import sys\nsys.path.insert(0, " + "'" + RUNTIME.toAbsolutePath() + "')\nimport pvrun_frames\n"
                + "for line in sys.stdin:\n    n, parts, per = map(int, line.split())\n"
                + "    print(' '.join('%d-%d' % pvrun_frames.window(p, parts, n, per) for p in range(parts)))\n";
        Process p = new ProcessBuilder("python3", "-c", py).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        p.getOutputStream().write(cases.toString().getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        List<String> out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        List<String> in = cases.toString().lines().toList();
        assertEquals(in.size(), out.size());
        for (int i = 0; i < in.size(); i++) {
            String[] c = in.get(i).split(" ");
            int frames = Integer.parseInt(c[0]);
            int per = Integer.parseInt(c[2]);
            int next = 0;
            String[] windows = out.get(i).split(" ");
            for (int w = 0; w < windows.length; w++) {
                String[] lohi = windows[w].split("-");
                int lo = Integer.parseInt(lohi[0]);
                int hi = Integer.parseInt(lohi[1]);
                assertEquals(next, lo, in.get(i) + ": " + out.get(i));
                if (per > 0 && w < windows.length - 1) {
                    assertEquals(per, hi - lo, in.get(i) + ": " + out.get(i));
                }
                assertTrue(hi - lo <= (per > 0 ? per : frames), in.get(i) + ": " + out.get(i));
                next = hi;
            }
            assertEquals(frames, next, "frames left over: " + in.get(i) + ": " + out.get(i));
        }
    }
}
