package org.pvrun.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pvrun.scheduler.JobState;

/** One job, one poll: which evidence ends it, and which does not yet. */
class JobJudgeTest {
    /**
     * exit file ("-" none), all verdicts, started, asked ("no" = this poll did not ask, "failed" = the query
     * failed, else the state or "absent"), and the end (recorded text, "-" = goes on).
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0 | false | true  | RUNNING  | exit 0",
        "3 | true  | true  | absent   | exit 3",
        "- | true  | true  | RUNNING  | done",
        "- | true  | true  | no       | done",
        "- | false | true  | no       | -",
        "- | false | true  | failed   | -",
        "- | false | true  | TIMEOUT  | timeout",
        "- | false | true  | FAILED   | failed",
        "- | false | true  | CANCELLED | cancelled",
        "- | false | true  | RUNNING  | -",
        "- | false | true  | PENDING  | -",
        "- | false | true  | absent   | -",
        "- | false | true  | COMPLETED | -",
        "- | false | false | absent   | -",
    })
    void onePoll(String exit, boolean verdicts, boolean started, String asked, String end) {
        JobEnd got = new JobJudge().judge(new JobJudge.Look(0, exit.equals("-") ? null : exit, verdicts, started),
                answer(asked));
        assertEquals(end.equals("-") ? null : end, got == null ? null : got.recorded());
    }

    private static QueueAnswer answer(String asked) {
        return switch (asked) {
            case "no" -> null;
            case "failed" -> QueueAnswer.failed();
            case "absent" -> QueueAnswer.of(Map.of());
            default -> QueueAnswer.of(Map.of(0, JobState.valueOf(asked)));
        };
    }

    @Test
    void goneAfterThreeAnswersInARowWithoutIt() {
        JobJudge judge = new JobJudge();
        JobJudge.Look look = new JobJudge.Look(0, null, false, true);
        List<JobEnd> ends = new ArrayList<>();
        for (String a : List.of("absent", "absent", "RUNNING", "absent", "failed", "no", "absent", "absent")) {
            ends.add(judge.judge(look, answer(a)));
        }
        // seen running in between: the count starts again; a failed query and no query count for nothing
        assertEquals(7, ends.stream().filter(e -> e == null).count());
        assertEquals(new JobEnd.Vanished(null), ends.get(7));
    }

    @Test
    void eachJobCountedApart() {
        JobJudge judge = new JobJudge();
        QueueAnswer onlyOne = QueueAnswer.of(Map.of(1, JobState.RUNNING));
        for (int i = 0; i < 2; i++) {
            assertNull(judge.judge(new JobJudge.Look(0, null, false, true), onlyOne));
            assertNull(judge.judge(new JobJudge.Look(1, null, false, true), onlyOne));
        }
        assertEquals(new JobEnd.Vanished(null), judge.judge(new JobJudge.Look(0, null, false, true), onlyOne));
        assertNull(judge.judge(new JobJudge.Look(1, null, false, true), onlyOne));
    }
}
