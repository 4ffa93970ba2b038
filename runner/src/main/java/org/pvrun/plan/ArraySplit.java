package org.pvrun.plan;

/**
 * A round's jobs as one or more scheduler arrays, none larger than the scheduler allows (Slurm's
 * {@code MaxArraySize}, Grid Engine's {@code max_aj_tasks}, PBS's {@code max_array_size}). Array {@code a} holds
 * the jobs {@code offset(a)} to {@code offset(a) + size(a) - 1}; inside it they are numbered from 0, and the
 * job script adds the offset back, so every job keeps its index in the round (its exit file, its job file).
 *
 * @param jobs     jobs in the round (at least 1)
 * @param perArray at most this many jobs in one array; 0 for no limit (one array)
 */
public record ArraySplit(int jobs, int perArray) {

    public ArraySplit {
        if (jobs < 1 || perArray < 0) {
            throw new IllegalArgumentException("jobs must be >= 1 and perArray >= 0, got " + jobs + " and " + perArray);
        }
    }

    /** How many arrays (submissions) the round takes. */
    public int arrays() {
        return perArray == 0 ? 1 : (jobs + perArray - 1) / perArray;
    }

    private int per() {
        return perArray == 0 ? jobs : perArray;
    }

    /** The index in the round of array {@code a}'s first job. */
    public int offset(int a) {
        check(a);
        return a * per();
    }

    /** How many jobs array {@code a} holds. */
    public int size(int a) {
        check(a);
        return Math.min(per(), jobs - offset(a));
    }

    /** The array that holds job {@code j}. */
    public int arrayOf(int j) {
        if (j < 0 || j >= jobs) {
            throw new IndexOutOfBoundsException("job " + j + " of " + jobs);
        }
        return j / per();
    }

    /** Job {@code j}'s number inside its array. */
    public int indexInArray(int j) {
        return j - offset(arrayOf(j));
    }

    /**
     * The job script of array {@code a} in the round's job folder: {@code job.sh} for the first (and for a round
     * of one array, as before arrays were split), {@code job.a2.sh} for the third.
     */
    public static String script(int a) {
        return a == 0 ? "job.sh" : "job.a" + a + ".sh";
    }

    private void check(int a) {
        if (a < 0 || a >= arrays()) {
            throw new IndexOutOfBoundsException("array " + a + " of " + arrays());
        }
    }
}
