package org.pvrun.spec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.reader.ReaderException;

/**
 * Reads a YAML file into a {@link YamlNode} tree with positions, refusing what a pipeline spec never needs
 * and what could hurt: files over {@link #MAX_BYTES}, bytes that are not UTF-8, duplicate keys, anchors and
 * aliases (no "billion laughs"), deep nesting, more than one document.
 */
public final class YamlReader {
    public static final int MAX_BYTES = 1 << 20;
    private static final int MAX_DEPTH = 32;

    private final YAMLFactory factory;

    public YamlReader() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_BYTES);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setMaxAliasesForCollections(0);
        options.setAllowDuplicateKeys(false);
        factory = YAMLFactory.builder()
                .loaderOptions(options)
                // above MAX_DEPTH, so that readValue's own check, which knows the line and column, speaks first
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH + 2).build())
                // duplicates are found while building the tree, with both places in the message
                .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }

    public YamlNode read(Path file, String displayName) {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new SpecException(new Located(displayName, 1, 1),
                        "file is " + size + " bytes; a spec or targets file may be at most " + MAX_BYTES + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            String near = nearbyFile(file);
            throw new SpecException(new Located(displayName, 0, 0), "no such file" + (near == null ? "" : "; did you mean " + near + "?"));
        } catch (IOException e) {
            throw new SpecException(new Located(displayName, 0, 0), "cannot read: " + e.getMessage());
        }
        return parse(decodeUtf8(bytes, displayName), displayName);
    }

    /** A file beside a missing one whose name is close to it ({@code slicer.yml} for {@code slicer.yaml}), or null. */
    static String nearbyFile(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir) || file.getFileName() == null) {
            return null;
        }
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            java.util.List<String> names = s.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") || n.endsWith(".yml")).toList();
            String near = MapReader.nearest(file.getFileName().toString(), names);
            if (near == null) {
                return null;
            }
            Path parent = file.getParent();
            return parent == null ? near : parent.resolve(near).toString();
        } catch (IOException e) {
            return null;
        }
    }

    public YamlNode parse(String text, String displayName) {
        try (JsonParser p = factory.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new SpecException(new Located(displayName, 1, 1), "the file is empty; expected a YAML map");
            }
            YamlNode root = readValue((YAMLParser) p, displayName, 0);
            if (p.nextToken() != null) {
                throw new SpecException(where(p, displayName), "more than one YAML document; expected exactly one");
            }
            return root;
        } catch (JsonProcessingException e) {
            if (e.getCause() instanceof MarkedYAMLException m && m.getProblemMark() != null) {
                // SnakeYAML says what it found and what it was reading when it went wrong
                Mark at = m.getProblemMark();
                String context = m.getContext() == null ? "" : " (" + m.getContext()
                        + (m.getContextMark() == null ? "" : " started at line " + (m.getContextMark().getLine() + 1)
                        + ", column " + (m.getContextMark().getColumn() + 1)) + ")";
                throw new SpecException(new Located(displayName, at.getLine() + 1, at.getColumn() + 1),
                        "malformed YAML: " + m.getProblem() + context);
            }
            if (e.getCause() instanceof ReaderException r) {
                // SnakeYAML's reader checks characters before any token exists: place it from the code point's index
                int[] lineColumn = lineColumn(text, r.getPosition());
                throw new SpecException(new Located(displayName, lineColumn[0], lineColumn[1]), "malformed YAML: character "
                        + String.format("U+%04X", r.getCodePoint()) + " is not allowed in YAML");
            }
            JsonLocation loc = e.getLocation();
            String msg = e.getOriginalMessage();
            int nl = msg.indexOf('\n');
            String first = (nl > 0 ? msg.substring(0, nl) : msg).strip();
            throw new SpecException(new Located(displayName, loc == null ? 0 : loc.getLineNr(),
                    loc == null ? 0 : loc.getColumnNr()), "malformed YAML: " + first);
        } catch (IOException e) {
            throw new SpecException(new Located(displayName, 0, 0), "cannot read: " + e.getMessage());
        }
    }

    private YamlNode readValue(YAMLParser p, String file, int depth) throws IOException {
        Located at = where(p, file);
        if (p.isCurrentAlias()) {
            throw new SpecException(at, "YAML aliases (*name) are not allowed in pvrun files; write the value out");
        }
        if (p.getCurrentAnchor() != null) {
            throw new SpecException(at, "YAML anchors (&name) are not allowed in pvrun files; write the value out");
        }
        if (depth > MAX_DEPTH) {
            throw new SpecException(at, "nested more than " + MAX_DEPTH + " levels deep");
        }
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                LinkedHashMap<String, YamlNode.Entry> entries = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    Located keyAt = where(p, file);
                    String key = p.currentName();
                    if (entries.containsKey(key)) {
                        Located first = entries.get(key).keyWhere();
                        throw new SpecException(keyAt, "duplicate key '" + key + "' (first at line " + first.line() + ")");
                    }
                    p.nextToken();
                    entries.put(key, new YamlNode.Entry(keyAt, key, readValue(p, file, depth + 1)));
                }
                return new YamlNode.Mapping(at, entries);
            }
            case START_ARRAY: {
                List<YamlNode> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(readValue(p, file, depth + 1));
                }
                return new YamlNode.Seq(at, items);
            }
            case VALUE_STRING:
                return new YamlNode.Scalar(at, p.getText());
            case VALUE_NUMBER_INT:
                return new YamlNode.Scalar(at, p.getNumberValue() instanceof Integer i ? Long.valueOf(i) : p.getNumberValue());
            case VALUE_NUMBER_FLOAT:
                return new YamlNode.Scalar(at, p.getDoubleValue());
            case VALUE_TRUE:
                return new YamlNode.Scalar(at, Boolean.TRUE);
            case VALUE_FALSE:
                return new YamlNode.Scalar(at, Boolean.FALSE);
            case VALUE_NULL:
                return new YamlNode.Scalar(at, null);
            default:
                throw new SpecException(at, "unexpected YAML content (" + t + ")");
        }
    }

    private static Located where(JsonParser p, String file) {
        JsonLocation loc = p.currentTokenLocation();
        return new Located(file, loc.getLineNr(), loc.getColumnNr());
    }

    /** Line and column (from 1) of the code point at {@code index} in {@code text}. */
    private static int[] lineColumn(String text, int index) {
        int line = 1;
        int column = 1;
        for (int i = 0, cp = 0; i < text.length() && cp < index; i += Character.charCount(text.codePointAt(i)), cp++) {
            column++;
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            }
        }
        return new int[] {line, column};
    }

    private static String decodeUtf8(byte[] bytes, String file) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            int line = 1;
            int column = 1;
            int bad = firstInvalidUtf8(bytes);
            for (int i = 0; i < bad; i++) {
                column++;
                if (bytes[i] == '\n') {
                    line++;
                    column = 1;
                }
            }
            throw new SpecException(new Located(file, line, column),
                    "not valid UTF-8 (byte offset " + bad + "); save the file as UTF-8");
        }
    }

    private static int firstInvalidUtf8(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CoderResult r = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(in, CharBuffer.allocate(bytes.length), true);
        return r.isError() ? in.position() : bytes.length;
    }
}
