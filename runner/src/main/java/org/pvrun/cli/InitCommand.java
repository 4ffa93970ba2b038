package org.pvrun.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.pvrun.ExitCode;
import org.pvrun.PvrunException;
import org.pvrun.spec.StateFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pvrun init NAME}: write a starter spec and pvbatch script that render as they are; with
 * {@code --state FILE.pvsm}, a spec that renders that ParaView state, its data files listed (StateStarter).
 */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Write a starter pipeline: NAME.yaml (the spec) and NAME.py (a pvbatch script that renders "
                + "NAME.png), ready to run with 'pvrun NAME.yaml'. Never overwrites a file.",
        footerHeading = "%nExamples:%n",
        footer = {"  pvrun init isosurface                 writes isosurface.yaml and isosurface.py",
            "  pvrun init figure-3 --dir paper/figs  writes them into paper/figs/",
            "  pvrun init --state cavity.pvsm        writes cavity.yaml, its data as inputs"})
public final class InitCommand extends PvrunSubcommand {
    /** The spec loader's rule for {@code name:} (SpecLoader.NAME), so the written spec is valid. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final String TEMPLATES = "/org/pvrun/init/";

    @Parameters(index = "0", paramLabel = "NAME", arity = "0..1",
            description = "The pipeline's name (1 to 100 of A-Z a-z 0-9 . _ -); names the files and the results folder. "
                    + "With --state, the state file's name by default.")
    String name;

    @Option(names = "--state", paramLabel = "FILE.pvsm",
            description = "Write NAME.yaml for this ParaView state file (no script): its data files found here are "
                    + "listed as inputs, the others noted (docs/state-files.md).")
    Path state;

    @Option(names = {"-d", "--dir"}, paramLabel = "DIR", defaultValue = ".",
            description = "Where to write the two files (default: the current directory).")
    Path dir;

    @Override
    public Integer call() {
        if (name == null && state == null) {
            throw PvrunException.invalid("missing NAME (or --state FILE.pvsm); see pvrun init --help");
        }
        if (name == null) {
            String stem = state.getFileName().toString().replaceFirst("\\.pvsm$", "").replaceAll("[^A-Za-z0-9._-]", "-");
            name = stem.isEmpty() || stem.startsWith("-") || stem.startsWith(".") ? "state" + stem : stem;
        }
        if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..") || name.startsWith("-")) {
            throw PvrunException.invalid("bad name '" + name + "'; use 1 to 100 of A-Z a-z 0-9 . _ - "
                    + "(no '/', not '..', not starting with '-')");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw PvrunException.invalid(dir + " is not a directory");
        }
        if (state != null) {
            return initState();
        }
        Path spec = dir.resolve(name + ".yaml");
        Path script = dir.resolve(name + ".py");
        List<Path> existing = new ArrayList<>();
        for (Path p : List.of(spec, script)) {
            if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                existing.add(p);
            }
        }
        if (!existing.isEmpty()) {
            throw PvrunException.invalid("refusing to overwrite " + String.join(" and ",
                    existing.stream().map(Path::toString).toList()) + "; pick another NAME or --dir");
        }
        try {
            Files.createDirectories(dir);
            write(script, render("script.py"));
            try {
                write(spec, render("spec.yaml"));
            } catch (PvrunException | IOException e) {
                // both or neither: a spec without its script (or the reverse) is a trap for the next 'init'
                Files.deleteIfExists(script);
                throw e;
            }
        } catch (IOException e) {
            throw PvrunException.environment("cannot write into " + dir + ": " + e, e);
        }
        parent.out.println("wrote " + spec + "  (the pipeline spec)");
        parent.out.println("wrote " + script + "  (the pvbatch script; renders " + name + ".png)");
        parent.out.println("next: " + nextCommand(dir, name) + "   (or --dry-run first to see the exact commands)");
        return ExitCode.OK;
    }

    private Integer initState() {
        StateFile parsed;
        try {
            parsed = StateFile.parse(Files.readAllBytes(state));
        } catch (IOException e) {
            throw PvrunException.invalid("cannot read the state file " + state + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw PvrunException.invalid(state + ": " + e.getMessage());
        }
        Path spec = dir.resolve(name + ".yaml");
        if (Files.exists(spec, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw PvrunException.invalid("refusing to overwrite " + spec + "; pick another NAME or --dir");
        }
        Map<String, Path> found = StateStarter.find(parsed, state);
        Path base = dir.toAbsolutePath().normalize();
        // the paths last: a file name is never taken for a placeholder
        String text = render("state.yaml")
                .replace("{{version}}", parsed.version() == null ? "(it does not say)" : parsed.version())
                .replace("{{images}}", StateStarter.images(parsed))
                .replace("{{state}}", StateStarter.quote(base.relativize(state.toAbsolutePath().normalize()).toString()))
                .replace("{{inputs}}", StateStarter.inputs(parsed, found, dir));
        try {
            Files.createDirectories(dir);
            write(spec, text);
        } catch (IOException e) {
            throw PvrunException.environment("cannot write into " + dir + ": " + e, e);
        }
        int named = parsed.dataFiles().size();
        parent.out.println("wrote " + spec + "  (the pipeline spec for " + state.getFileName() + ": " + found.size() + " of "
                + named + " data file" + (named == 1 ? "" : "s") + " found here and listed as inputs)");
        parsed.dataFiles().stream().filter(p -> !found.containsKey(p))
                .forEach(p -> parent.out.println("  not found here: " + p + " (add it to inputs: or data: in " + spec + ")"));
        parent.out.println("next: " + nextCommand(dir, name) + "   (or --dry-run first to see the exact commands)");
        return ExitCode.OK;
    }

    /** The command to run the new spec, as the user would type it: {@code pvrun NAME.yaml} when written here. */
    static String nextCommand(Path dir, String name) {
        return "pvrun " + dir.resolve(name + ".yaml").normalize();
    }

    private String render(String template) {
        try (InputStream in = InitCommand.class.getResourceAsStream(TEMPLATES + template)) {
            if (in == null) {
                throw new IllegalStateException("template missing from the jar: " + TEMPLATES + template);
            }
            // NAME is [A-Za-z0-9._-]: safe in YAML, Python strings and file names, so plain substitution suffices
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("{{name}}", name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) throws IOException {
        try {
            // CREATE_NEW: a file that appeared since the check above is still never overwritten
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw PvrunException.invalid("refusing to overwrite " + file);
        }
    }
}
