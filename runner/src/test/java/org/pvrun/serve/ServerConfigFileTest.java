package org.pvrun.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

/**
 * The .pvsc server file, byte for byte, against runner/src/test/resources/golden/serve-*.pvsc. That ParaView
 * itself reads the format was checked by hand with {@code paraview --servers-file=F --server=NAME} (5.11),
 * which connected; ServeClusterIT connects a real client through the forward the file names.
 */
class ServerConfigFileTest {

    @Test
    void forwardFileMatchesGolden() throws Exception {
        String text = ServerConfigFile.render(ServerConfigFile.serverName("hopper", false), false, "localhost", 11111);
        assertEquals(golden("serve-forward.pvsc"), text);
        Element server = parse(text);
        assertEquals("pvrun hopper", server.getAttribute("name"));
        assertEquals("cs://localhost:11111", server.getAttribute("resource"));
        assertEquals(1, server.getElementsByTagName("ManualStartup").getLength());
    }

    @Test
    void reverseFileMatchesGoldenAndEscapesTheName() throws Exception {
        String text = ServerConfigFile.render(ServerConfigFile.serverName("a&b\"<x>", true), true, "localhost", 22222);
        assertEquals(golden("serve-reverse.pvsc"), text);
        Element server = parse(text);
        assertEquals("pvrun a&b\"<x> (reverse)", server.getAttribute("name"));
        assertEquals("csrc://localhost:22222", server.getAttribute("resource"));
        assertEquals("-1", server.getAttribute("timeout"));
    }

    @Test
    void defaultPlaceFollowsXdgConfigHome() {
        assertEquals(Path.of("/x/cfg/pvrun/serve/hopper.pvsc"),
                ServerConfigFile.defaultPath("hopper", Map.of("XDG_CONFIG_HOME", "/x/cfg", "HOME", "/home/me")));
        assertEquals(Path.of("/home/me/.config/pvrun/serve/hopper.pvsc"),
                ServerConfigFile.defaultPath("hopper", Map.of("HOME", "/home/me")));
        // a relative XDG_CONFIG_HOME is invalid by the XDG spec and ignored
        assertEquals(Path.of("/home/me/.config/pvrun/serve/hopper.pvsc"),
                ServerConfigFile.defaultPath("hopper", Map.of("XDG_CONFIG_HOME", "cfg", "HOME", "/home/me")));
    }

    @Test
    void writeCreatesTheFolderAndReplacesTheFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("a/b/t.pvsc");
        ServerConfigFile.write(f, "one");
        ServerConfigFile.write(f, "two");
        assertEquals("two", Files.readString(f));
        try (var s = Files.list(f.getParent())) {
            assertEquals(1, s.count(), "a temporary file was left behind");
        }
    }

    static Element parse(String xml) throws Exception {
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        assertEquals("Servers", doc.getDocumentElement().getTagName());
        return (Element) doc.getDocumentElement().getElementsByTagName("Server").item(0);
    }

    static String golden(String name) throws Exception {
        return Files.readString(Path.of(ServerConfigFileTest.class.getResource("/golden/" + name).toURI()));
    }
}
