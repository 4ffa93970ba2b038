package org.pvrun.spec;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * What pvrun needs to know of a ParaView state file ({@code .pvsm}, XML; docs/state-files.md): the version of
 * ParaView that saved it, the data files its readers name, and its views and layouts in the order the state
 * lists them (which gives the images their numbers). Pure: the text in, the facts out.
 *
 * @param version the {@code version} attribute of {@code ServerManagerState} ("5.11.0"), or null when absent
 * @param readers every reader (a proxy of group {@code sources} with a {@code FileName} or {@code FileNames}
 *                property) that names at least one file, in the order of the file
 * @param views   the registration names of the views ({@code ProxyCollection name="views"})
 * @param layouts the registration names of the layouts
 */
public record StateFile(String version, List<Reader> readers, List<String> views, List<String> layouts) {
    /** The properties of a reader that hold its data files (ParaView's readers use one or the other). */
    public static final List<String> FILE_PROPERTIES = List.of("FileName", "FileNames");

    /**
     * One reader and its files.
     *
     * @param id       the proxy's id in the state
     * @param name     its name in the pipeline browser, or its type when the state gives none
     * @param type     the reader's proxy type (XMLUnstructuredGridReader, ...)
     * @param property FileName or FileNames
     * @param files    the paths, as saved (absolute paths of the machine that saved it, as a rule)
     */
    public record Reader(String id, String name, String type, String property, List<String> files) {}

    /** Every data file the state names, once each, in the order of the file. */
    public List<String> dataFiles() {
        Set<String> all = new LinkedHashSet<>();
        readers.forEach(r -> all.addAll(r.files()));
        return List.copyOf(all);
    }

    /** Parses the state's text; an {@link IllegalArgumentException} says why it is no ParaView state. */
    public static StateFile parse(byte[] xml) {
        Document doc;
        try {
            doc = builder().parse(new InputSource(new ByteArrayInputStream(xml)));
        } catch (SAXException e) {
            throw new IllegalArgumentException("not an XML file: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        Element state = firstChild(doc.getDocumentElement(), "ServerManagerState");
        if (doc.getDocumentElement().getTagName().equals("ServerManagerState")) {
            state = doc.getDocumentElement();
        }
        if (state == null) {
            throw new IllegalArgumentException("not a ParaView state file: no ServerManagerState element");
        }
        String version = state.getAttribute("version");
        Map<String, List<String>> collections = collections(state);
        Map<String, String> sourceNames = new LinkedHashMap<>();
        for (Element item : children(state, "ProxyCollection")) {
            if (item.getAttribute("name").equals("sources")) {
                for (Element i : children(item, "Item")) {
                    sourceNames.put(i.getAttribute("id"), i.getAttribute("name"));
                }
            }
        }
        List<Reader> readers = new ArrayList<>();
        for (Element proxy : children(state, "Proxy")) {
            if (!proxy.getAttribute("group").equals("sources")) {
                continue;
            }
            for (Element property : children(proxy, "Property")) {
                String pname = property.getAttribute("name");
                if (!FILE_PROPERTIES.contains(pname)) {
                    continue;
                }
                List<String> files = new ArrayList<>();
                for (Element e : children(property, "Element")) {
                    String value = e.getAttribute("value");
                    if (!value.isEmpty()) {
                        files.add(value);
                    }
                }
                if (!files.isEmpty()) {
                    String id = proxy.getAttribute("id");
                    readers.add(new Reader(id, sourceNames.getOrDefault(id, proxy.getAttribute("type")),
                            proxy.getAttribute("type"), pname, List.copyOf(files)));
                }
            }
        }
        return new StateFile(version.isEmpty() ? null : version, List.copyOf(readers),
                collections.getOrDefault("views", List.of()), collections.getOrDefault("layouts", List.of()));
    }

    private static Map<String, List<String>> collections(Element state) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Element c : children(state, "ProxyCollection")) {
            List<String> names = new ArrayList<>();
            children(c, "Item").forEach(i -> names.add(i.getAttribute("name")));
            out.put(c.getAttribute("name"), List.copyOf(names));
        }
        return out;
    }

    /** A parser that reads no DTD and no external entity: a state file from elsewhere reads nothing else. */
    private static DocumentBuilder builder() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setExpandEntityReferences(false);
            f.setXIncludeAware(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(new org.xml.sax.helpers.DefaultHandler() {
                @Override
                public void fatalError(org.xml.sax.SAXParseException e) throws SAXException {
                    throw e; // not printed: the message goes to the spec's error
                }
            });
            return b;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Element firstChild(Element parent, String tag) {
        List<Element> all = children(parent, tag);
        return all.isEmpty() ? null : all.get(0);
    }

    private static List<Element> children(Element parent, String tag) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node n = nodes.item(i);
            if (n instanceof Element e && e.getTagName().equals(tag)) {
                out.add(e);
            }
        }
        return out;
    }
}
