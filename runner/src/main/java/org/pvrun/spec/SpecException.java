package org.pvrun.spec;

import java.util.List;
import java.util.stream.Collectors;

import org.pvrun.ExitCode;
import org.pvrun.PvrunException;

/** Invalid input (exit 2), carrying every problem found, each with its file, line and column. */
public class SpecException extends PvrunException {
    private final transient List<SpecError> errors;

    public SpecException(List<SpecError> errors) {
        super(ExitCode.INVALID_INPUT, errors.stream().map(SpecError::toString).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public SpecException(Located where, String message) {
        this(List.of(new SpecError(where, message)));
    }

    public List<SpecError> errors() {
        return errors;
    }
}
