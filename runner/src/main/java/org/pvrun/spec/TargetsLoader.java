package org.pvrun.spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.pvrun.util.XdgDirs;

/**
 * Loads the targets file (docs/targets.md): {@code --targets FILE}, else {@code $PVRUN_TARGETS}, else
 * {@code ~/.config/pvrun/targets.yaml}. Secrets are refused: pvrun authenticates with keys, the agent or
 * a prompt, never with a password written in a file.
 */
public final class TargetsLoader {
    public static final List<String> KEYS = List.of("host", "port", "user", "identity", "jump", "known_hosts",
            "scheduler", "workdir", "setup", "launcher", "pvbatch", "display", "poll", "resources", "env", "transport", "keepalive",
            "data_root");
    private static final Set<String> SECRET_WORDS = Set.of("password", "passwd", "pass", "passphrase", "secret",
            "token", "otp", "private_key", "key_data");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern HOSTISH = Pattern.compile("[A-Za-z0-9._@:\\[\\]%-]+");

    private final YamlReader yaml = new YamlReader();

    /** The targets file to read, or null when none is configured and the default does not exist. */
    public static Path locate(Path option, Map<String, String> env) {
        if (option != null) {
            return option;
        }
        String fromEnv = env.get("PVRUN_TARGETS");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        // pvrun's own files follow XDG and $HOME (docs/targets.md#home)
        Path def = XdgDirs.configHome(env).resolve("pvrun").resolve("targets.yaml");
        return Files.exists(def) ? def : null;
    }

    public Map<String, Target> load(Path file, Map<String, String> env) {
        YamlNode root = yaml.read(file, file.toString());
        List<SpecError> errors = new ArrayList<>();
        MapReader top = new MapReader(root, "the targets file", List.of("targets"), errors);
        Map<String, Target> out = new LinkedHashMap<>();
        YamlNode targets = top.raw("targets");
        if (targets == null) {
            errors.add(new SpecError(root.where(), "missing required key 'targets'"));
        } else if (!(targets instanceof YamlNode.Mapping m)) {
            errors.add(new SpecError(targets.where(), "'targets' must be a map of target names, found " + targets.kind()));
        } else {
            for (YamlNode.Entry e : m.entries().values()) {
                if (!SpecLoader.NAME.matcher(e.key()).matches()) {
                    errors.add(new SpecError(e.keyWhere(), "bad target name '" + e.key() + "'; use A-Z a-z 0-9 . _ -"));
                }
                if (e.key().equals(Target.LOCAL)) {
                    errors.add(new SpecError(e.keyWhere(), "'local' is the built-in target; give yours another name"));
                }
                Target t = parse(e.key(), e.value(), env, errors);
                out.put(e.key(), t);
            }
        }
        if (!errors.isEmpty()) {
            throw new SpecException(errors);
        }
        return out;
    }

    /**
     * Reports keys that look like secrets (password, passphrase, token...) and removes them from the map, so
     * they are refused with a message of their own and never echoed.
     */
    static void refuseSecrets(YamlNode node, List<SpecError> errors) {
        if (node instanceof YamlNode.Mapping m) {
            for (YamlNode.Entry e : List.copyOf(m.entries().values())) {
                if (isSecret(e.key())) {
                    errors.add(new SpecError(e.keyWhere(), "'" + e.key() + "': pvrun never reads passwords or other "
                            + "secrets from files; use an SSH key (encrypted keys are asked for their passphrase), "
                            + "ssh-agent, or answer the login prompt"));
                    m.entries().remove(e.key());
                }
            }
        }
    }

    /** Parses one target's map (from a targets file, or inline in a spec). */
    public Target parse(String name, YamlNode node, Map<String, String> env, List<SpecError> errors) {
        refuseSecrets(node, errors);
        MapReader r = new MapReader(node, "target '" + name + "'", KEYS, errors);
        String host = r.string("host", false);
        if (host != null && (!HOSTISH.matcher(host).matches() || host.startsWith("-"))) {
            r.error(r.where("host"), "bad host '" + host + "'");
        }
        Integer port = null;
        Long p = r.integer("port");
        if (p != null) {
            if (p < 1 || p > 65535) {
                r.error(r.where("port"), "port must be 1 to 65535, found " + p);
            } else {
                port = p.intValue();
            }
        }
        String user = r.string("user", false);
        if (user != null && !user.matches("[A-Za-z0-9._][A-Za-z0-9._-]*")) {
            r.error(r.where("user"), "bad user name '" + user + "'");
        }
        String identity = expandSshHome(r.string("identity", false));
        List<String> jump = new ArrayList<>();
        for (Located.Text j : r.strings("jump")) {
            if (!HOSTISH.matcher(j.value()).matches() || j.value().startsWith("-")) {
                r.error(j.where(), "bad jump host '" + j.value() + "'; expected [user@]host[:port]");
            }
            jump.add(j.value());
        }
        String knownHosts = expandSshHome(r.string("known_hosts", false));
        String scheduler = r.has("scheduler") ? r.string("scheduler", false) : "none";
        if (scheduler != null && !List.of("none", "slurm", "pbs", "sge").contains(scheduler)) {
            r.error(r.where("scheduler"), "bad scheduler '" + scheduler + "'; expected slurm, pbs, sge or none");
        }
        String workdir = r.string("workdir", false);
        if (workdir != null && host == null) {
            workdir = expandHome(workdir, env);
        }
        if (workdir != null && !workdir.startsWith("/") && !workdir.startsWith("~/")) {
            r.error(r.where("workdir"), "workdir must be an absolute path (or start with ~/), found '" + workdir + "'");
        }
        String dataRoot = r.string("data_root", false);
        if (dataRoot != null && host == null) {
            dataRoot = expandHome(dataRoot, env);
        }
        if (dataRoot != null && !dataRoot.startsWith("/") && !dataRoot.startsWith("~/")) {
            r.error(r.where("data_root"), "data_root must be an absolute path (or start with ~/), found '" + dataRoot + "'");
        }
        List<String> setup = r.strings("setup").stream().map(Located.Text::value).toList();
        String launcher = r.has("launcher") ? r.string("launcher", false)
                : "slurm".equals(scheduler) ? "srun" : "mpiexec";
        String pvbatch = r.has("pvbatch") ? r.string("pvbatch", false) : "pvbatch";
        Display display = r.display();
        Duration poll = Duration.ofSeconds(10);
        String pollText = null;
        if (r.raw("poll") instanceof YamlNode.Scalar ps && ps.value() != null) {
            pollText = String.valueOf(ps.value());
        } else if (r.has("poll")) {
            r.error(r.where("poll"), "'poll' must be a duration such as 10s, found " + r.raw("poll").kind());
        }
        if (pollText != null) {
            try {
                poll = Durations.parse(pollText);
            } catch (IllegalArgumentException e) {
                r.error(r.where("poll"), e.getMessage());
            }
        }
        Map<String, String> resources = scalars(r, "resources");
        if (r.raw("env") instanceof YamlNode.Mapping em) {
            // env values are written into the job script on the cluster: no place for a token or a password
            for (YamlNode.Entry e : List.copyOf(em.entries().values())) {
                if (isSecret(e.key())) {
                    r.error(e.keyWhere(), "env '" + e.key() + "' looks like a secret, and pvrun would write its value into"
                            + " the job script; set it on the cluster instead (in a file only you can read, sourced by setup)");
                    em.entries().remove(e.key());
                }
            }
        }
        Map<String, String> envVars = scalars(r, "env");
        envVars.keySet().stream().filter(k -> !ENV_NAME.matcher(k).matches()).forEach(k ->
                r.error(r.where("env"), "bad environment variable name '" + k + "'"));
        String transport = r.has("transport") ? r.string("transport", false) : "jsch";
        if (transport != null && !List.of("jsch", "openssh").contains(transport)) {
            r.error(r.where("transport"), "bad transport '" + transport + "'; expected jsch or openssh");
        }
        if (host == null && (port != null || user != null || identity != null || !jump.isEmpty())) {
            r.error(r.node().where(), "target '" + name + "' sets SSH options but no host");
        }
        Target.Keepalive keepalive = keepalive(r);
        return new Target(name, host, port, user, identity, List.copyOf(jump), knownHosts,
                scheduler == null ? "none" : scheduler, workdir, setup, launcher, pvbatch, display, poll,
                Map.copyOf(resources), Map.copyOf(envVars), transport == null ? "jsch" : transport, dataRoot, keepalive);
    }

    /** {@code keepalive: {interval: 15s, count: 3}}: both keys optional (30 s and 3), the interval 1 s to 1 h. */
    private static Target.Keepalive keepalive(MapReader r) {
        if (!r.has("keepalive")) {
            return null;
        }
        MapReader k = new MapReader(r.raw("keepalive"), "keepalive", List.of("interval", "count"), r.errors());
        Duration interval = Duration.ofSeconds(30);
        if (k.raw("interval") instanceof YamlNode.Scalar s && s.value() != null) {
            try {
                interval = Durations.parse(String.valueOf(s.value()));
            } catch (IllegalArgumentException e) {
                k.error(k.where("interval"), "keepalive interval: " + e.getMessage());
            }
            if (interval.toSeconds() < 1 || interval.toSeconds() > 3600) {
                k.error(k.where("interval"), "keepalive interval must be 1s to 1h, found " + s.value());
            }
        }
        Integer count = k.has("count") ? k.integer("count", 1, 100, "keepalive count must be 1 to 100") : null;
        return new Target.Keepalive(interval, count == null ? 3 : count);
    }

    private static Map<String, String> scalars(MapReader r, String key) {
        Map<String, String> out = new LinkedHashMap<>();
        r.map(key).forEach((k, v) -> {
            if (v instanceof YamlNode.Scalar s && s.value() != null) {
                out.put(k, String.valueOf(s.value()));
            } else {
                r.error(v.where(), "'" + key + "." + k + "' must be a single value, found " + v.kind());
            }
        });
        return out;
    }

    static boolean isSecret(String key) {
        String k = key.toLowerCase();
        return SECRET_WORDS.contains(k) || k.contains("password") || k.contains("passphrase") || k.contains("passwd")
                || k.contains("secret") || k.endsWith("_token");
    }

    /**
     * {@code ~} in the SSH files a target names (identity, known_hosts) is the home directory of the password
     * database, as OpenSSH reads {@code ~} in its own configuration (Java's {@code user.home} is that one), so
     * a target means the same keys as {@code ssh} with another {@code $HOME} (docs/targets.md#home).
     */
    static String expandSshHome(String path) {
        if (path == null || !(path.equals("~") || path.startsWith("~/"))) {
            return path;
        }
        return System.getProperty("user.home") + path.substring(1);
    }

    static String expandHome(String path, Map<String, String> env) {
        if (path == null || !path.startsWith("~/")) {
            return path;
        }
        return XdgDirs.home(env) + path.substring(1);
    }
}
