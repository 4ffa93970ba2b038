package org.pvrun.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class VersionConstraintTest {
    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "5.11        | 5.11.0      | true",
        "5.11        | 5.11.2      | true",
        "5.11        | 5.1.0       | false",
        "5.1         | 5.11.0      | false",
        "5.11.0      | 5.11.0      | true",
        "5           | 5.11.0      | true",
        ">=5.10,<5.12 | 5.11.0     | true",
        ">=5.10,<5.12 | 5.12.0     | false",
        ">=5.10,<5.12 | 5.9.1      | false",
        ">5.10       | 5.10.1      | true",
        ">5.10       | 5.10        | false",
        "<=5.11      | 5.11.0      | true",
        "==5.11.0    | 5.11.0      | true",
        "!=5.11.0    | 5.11.0      | false",
        "5.11        | 5.11.0-RC1  | true",
        "5.11        | unknown     | false",
    })
    void matches(String constraint, String version, boolean expected) {
        assertEquals(expected, VersionConstraint.parse(constraint).isSatisfiedBy(version));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "five", ">=5.x", "5.11,>=5.10", "~5.11", ">=", "5..11"})
    void rejects(String bad) {
        assertThrows(IllegalArgumentException.class, () -> VersionConstraint.parse(bad));
    }
}
