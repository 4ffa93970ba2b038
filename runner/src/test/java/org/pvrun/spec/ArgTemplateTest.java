package org.pvrun.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ArgTemplateTest {
    static final Map<String, Object> PARAMS = new LinkedHashMap<>();

    static {
        PARAMS.put("frames", 16L);
        PARAMS.put("iso", 157.5);
        PARAMS.put("name", "a b $(x)");
        PARAMS.put("on", true);
        PARAMS.put("list", List.of(1L, 2L));
        PARAMS.put("none", null);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{frames}          | 16",
        "--frames={frames} | --frames=16",
        "{iso}             | 157.5",
        "{name}            | a b $(x)",
        "{on}              | true",
        "{list}            | [1,2]",
        "x{none}y          | xy",
        "{{frames}}        | {frames}",
        "plain             | plain",
    })
    void expands(String template, String expected) {
        assertEquals(expected, ArgTemplate.expand(template, PARAMS));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{frames", "frames}", "{}", "{a b}", "{$(x)}"})
    void rejectsMalformed(String template) {
        assertThrows(IllegalArgumentException.class, () -> ArgTemplate.names(template));
    }
}
