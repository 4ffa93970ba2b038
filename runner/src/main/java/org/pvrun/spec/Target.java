package org.pvrun.spec;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Where a pipeline runs (docs/targets.md): a transport (this machine, or a host over SSH) crossed with a
 * scheduler (none, Slurm, PBS). Paths on the target are POSIX strings; local paths are already expanded.
 *
 * @param name       the target's name ("local" for the built-in one)
 * @param host       SSH host or ~/.ssh/config alias; null means this machine
 * @param port       SSH port, or null for the config's / 22
 * @param user       SSH user, or null for the config's / the local user
 * @param identity   identity file, or null
 * @param jump       ProxyJump chain, [user@]host[:port] each
 * @param knownHosts known_hosts file, or null for ~/.ssh/known_hosts
 * @param scheduler  "none", "slurm", "pbs" or "sge"
 * @param workdir    root for run directories on the target, or null (local: the results folder; remote: ~/pvrun)
 * @param setup      shell lines run before pvbatch (module loads...)
 * @param launcher   "mpiexec", "srun", "none", or a template such as "mpirun -np {ranks}"
 * @param pvbatch    pvbatch command on the target
 * @param display    auto | offscreen | xvfb | egl
 * @param poll       status poll interval
 * @param resources  scheduler resources (a spec's override these)
 * @param env        environment variables set for pvbatch
 * @param transport  how to reach a remote host: "jsch" (built in) or "openssh" (the system's ssh)
 * @param dataRoot   where a spec's relative {@code data:} paths are on the target (absolute, or ~/ on a remote
 *                   host), or null
 */
public record Target(
        String name,
        String host,
        Integer port,
        String user,
        String identity,
        List<String> jump,
        String knownHosts,
        String scheduler,
        String workdir,
        List<String> setup,
        String launcher,
        String pvbatch,
        Display display,
        Duration poll,
        Map<String, String> resources,
        Map<String, String> env,
        String transport,
        String dataRoot,
        Keepalive keepalive) {

    /**
     * The target's own keepalive ({@code keepalive: {interval: 15s, count: 3}}): an SSH connection that stops
     * answering (a network that drops packets without a FIN or RST) counts as dead after {@code count} probes
     * {@code interval} apart, and is reconnected; null leaves it to ~/.ssh/config (ServerAliveInterval and
     * ServerAliveCountMax) and pvrun's default, 30 s and 3.
     */
    public record Keepalive(Duration interval, int count) {
        public Duration window() {
            return interval.multipliedBy(count);
        }
    }

    public Target(String name, String host, Integer port, String user, String identity, List<String> jump,
            String knownHosts, String scheduler, String workdir, List<String> setup, String launcher, String pvbatch,
            Display display, Duration poll, Map<String, String> resources, Map<String, String> env, String transport,
            String dataRoot) {
        this(name, host, port, user, identity, jump, knownHosts, scheduler, workdir, setup, launcher, pvbatch, display,
                poll, resources, env, transport, dataRoot, null);
    }

    public Target(String name, String host, Integer port, String user, String identity, List<String> jump,
            String knownHosts, String scheduler, String workdir, List<String> setup, String launcher, String pvbatch,
            Display display, Duration poll, Map<String, String> resources, Map<String, String> env, String transport) {
        this(name, host, port, user, identity, jump, knownHosts, scheduler, workdir, setup, launcher, pvbatch, display,
                poll, resources, env, transport, null, null);
    }

    public static final String LOCAL = "local";

    /** The built-in target: this machine, no scheduler; polling is a local file check, so it can be frequent. */
    public static Target local() {
        return new Target(LOCAL, null, null, null, null, List.of(), null, "none", null, List.of(), "mpiexec",
                "pvbatch", Display.AUTO, Duration.ofMillis(200), Map.of(), Map.of(), "jsch");
    }

    public boolean isRemote() {
        return host != null;
    }

    /** True for this machine without a scheduler: a run works in a scratch folder of its own results folder. */
    public boolean isLocalDirect() {
        return host == null && scheduler.equals("none");
    }

    public String describe() {
        StringBuilder sb = new StringBuilder(name).append(" (");
        sb.append(host == null ? "local" : "ssh " + (user != null ? user + "@" : "") + host + (port != null ? ":" + port : ""));
        if (!jump.isEmpty()) {
            sb.append(" via ").append(String.join(",", jump));
        }
        return sb.append(", scheduler ").append(scheduler).append(")").toString();
    }
}
