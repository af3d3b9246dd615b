// Helpers for sigscope's Java export: one section per recipe primitive, cut at the marker lines.
// Only the sections a recipe uses (and what they need) go into a snippet; all are static methods
// of the snippet's class.

// @helper main - imports=java.io.IOException,java.io.InputStream,java.nio.charset.StandardCharsets,java.nio.file.Files,java.nio.file.Path,java.util.HexFormat,java.util.List,java.util.Map
    /** Prints a stage's bytes as they are. */
    static void show(String name, byte[] value) {
        emit(utf8(name + ": "), value, utf8("\n"));
    }

    /** Prints raw MAC or hash bytes as hex. */
    static void showHex(String name, byte[] value) {
        StringBuilder hex = new StringBuilder();
        for (byte b : value) {
            hex.append(String.format("%02x", b & 0xff));
        }
        emit(utf8(name + " (hex): " + hex + "\n"));
    }

    /** Names a stage made from a secret without printing it. */
    static void showSecret(String name) {
        emit(utf8(name + ": (secret, not shown)\n"));
    }

    /** Writes bytes to standard output as they are. */
    static void emit(byte[]... parts) {
        byte[] all = cat(parts);
        System.out.write(all, 0, all.length);
        System.out.flush();
    }

    /** A secret's bytes from the environment. */
    static byte[] secret(String variable) {
        String value = System.getenv(variable);
        if (value == null) {
            System.err.println("set the environment variable " + variable + " to the secret");
            System.exit(1);
        }
        return utf8(value);
    }

    /** The body: the file named by the first argument, or standard input. */
    static byte[] readBody(String[] args) throws IOException {
        if (args.length > 0) {
            return Files.readAllBytes(Path.of(args[0]));
        }
        try (InputStream in = System.in) {
            return in.readAllBytes();
        }
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Bytes as a string of one character per byte, and back, for byte-wise text work. */
    static String bin(byte[] data) {
        return new String(data, StandardCharsets.ISO_8859_1);
    }

    static byte[] unbin(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] unhex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    static byte[] cat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }


// @helper hmac hmacDigest imports=javax.crypto.Mac,javax.crypto.spec.SecretKeySpec
    static byte[] hmacDigest(String alg, byte[] key, byte[] message) throws Exception {
        String name = "Hmac" + alg.toUpperCase();
        Mac mac = Mac.getInstance(name);
        // SecretKeySpec refuses an empty key; HMAC pads keys with zero bytes, so one zero byte is
        // the same key.
        mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, name));
        return mac.doFinal(message);
    }

// @helper hash hashDigest imports=java.security.MessageDigest
    static byte[] hashDigest(String alg, byte[] message) throws Exception {
        String name = alg.equals("md5") ? "MD5" : "SHA-" + alg.substring(3);
        return MessageDigest.getInstance(name).digest(message);
    }

// @helper crc32 crc32Text imports=java.util.zip.CRC32
    static byte[] crc32Text(byte[] data, boolean hexDigits) {
        CRC32 crc = new CRC32();
        crc.update(data);
        long value = crc.getValue();
        return utf8(hexDigits ? String.format("%08x", value) : Long.toString(value));
    }

// @helper hex hexText imports=java.util.HexFormat
    static byte[] hexText(byte[] data, boolean upper) {
        HexFormat format = upper ? HexFormat.of().withUpperCase() : HexFormat.of();
        return utf8(format.formatHex(data));
    }

// @helper base64 base64Text imports=java.util.Base64
    static byte[] base64Text(byte[] data, boolean urlSafe, boolean padding) {
        Base64.Encoder encoder = urlSafe ? Base64.getUrlEncoder() : Base64.getEncoder();
        return (padding ? encoder : encoder.withoutPadding()).encode(data);
    }

// @helper from_base64 fromBase64 imports=java.util.Base64
    /** Decodes base64 after an optional prefix; padding may be left out. */
    static byte[] fromBase64(byte[] text, String strip, boolean urlSafe) {
        String s = bin(text);
        if (!strip.isEmpty() && s.startsWith(strip)) {
            s = s.substring(strip.length());
        }
        return (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(s);
    }

// @helper from_hex fromHex imports=java.util.HexFormat
    static byte[] fromHex(byte[] text, String strip) {
        String s = bin(text);
        if (!strip.isEmpty() && s.startsWith(strip)) {
            s = s.substring(strip.length());
        }
        return HexFormat.of().parseHex(s);
    }

// @helper json_parse - imports=java.nio.ByteBuffer,java.nio.charset.CharacterCodingException,java.util.AbstractMap,java.util.ArrayList,java.util.Arrays,java.util.HashMap,java.util.List,java.util.Map
    /** A JSON number, kept exactly as written. */
    record JsonNumber(String text) {}

    /** A JSON object's members in order; a repeated name keeps its place and takes the last value. */
    static class JsonObject extends ArrayList<Map.Entry<String, Object>> {}

    /** Reads JSON keeping members in order and numbers exactly as written. */
    static Object jsonParse(byte[] text) throws CharacterCodingException {
        String s = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(text)).toString();
        int[] at = {0};
        Object value = jsonValue(s, at);
        jsonSpace(s, at);
        if (at[0] != s.length()) {
            throw new IllegalArgumentException("invalid JSON at character " + (at[0] + 1));
        }
        return value;
    }

    static void jsonSpace(String s, int[] at) {
        while (at[0] < s.length() && " \t\n\r".indexOf(s.charAt(at[0])) >= 0) {
            at[0]++;
        }
    }

    static void jsonExpect(String s, int[] at, char c) {
        jsonSpace(s, at);
        if (at[0] >= s.length() || s.charAt(at[0]) != c) {
            throw new IllegalArgumentException("invalid JSON at character " + (at[0] + 1) + ": expected " + c);
        }
        at[0]++;
    }

    static Object jsonValue(String s, int[] at) {
        jsonSpace(s, at);
        if (at[0] >= s.length()) {
            throw new IllegalArgumentException("invalid JSON: the text ends early");
        }
        char c = s.charAt(at[0]);
        if (c == '{') {
            at[0]++;
            JsonObject object = new JsonObject();
            Map<String, Integer> index = new HashMap<>();
            jsonSpace(s, at);
            if (at[0] < s.length() && s.charAt(at[0]) == '}') {
                at[0]++;
                return object;
            }
            do {
                jsonSpace(s, at);
                String name = jsonStringAt(s, at);
                jsonExpect(s, at, ':');
                Map.Entry<String, Object> member = new AbstractMap.SimpleEntry<>(name, jsonValue(s, at));
                Integer seen = index.get(name);
                if (seen != null) {
                    object.set(seen, member);
                } else {
                    index.put(name, object.size());
                    object.add(member);
                }
                jsonSpace(s, at);
            } while (at[0] < s.length() && s.charAt(at[0]++) == ',');
            if (s.charAt(at[0] - 1) != '}') {
                throw new IllegalArgumentException("invalid JSON at character " + at[0]);
            }
            return object;
        }
        if (c == '[') {
            at[0]++;
            List<Object> items = new ArrayList<>();
            jsonSpace(s, at);
            if (at[0] < s.length() && s.charAt(at[0]) == ']') {
                at[0]++;
                return items;
            }
            do {
                items.add(jsonValue(s, at));
                jsonSpace(s, at);
            } while (at[0] < s.length() && s.charAt(at[0]++) == ',');
            if (s.charAt(at[0] - 1) != ']') {
                throw new IllegalArgumentException("invalid JSON at character " + at[0]);
            }
            return items;
        }
        if (c == '"') {
            return jsonStringAt(s, at);
        }
        for (String word : new String[] {"true", "false", "null"}) {
            if (s.startsWith(word, at[0])) {
                at[0] += word.length();
                return word.equals("null") ? null : Boolean.valueOf(word);
            }
        }
        java.util.regex.Matcher m = java.util.regex.Pattern
            .compile("-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
            .matcher(s)
            .region(at[0], s.length());
        if (!m.lookingAt()) {
            throw new IllegalArgumentException("invalid JSON at character " + (at[0] + 1));
        }
        at[0] = m.end();
        return new JsonNumber(m.group());
    }

    static String jsonStringAt(String s, int[] at) {
        if (at[0] >= s.length() || s.charAt(at[0]) != '"') {
            throw new IllegalArgumentException("invalid JSON at character " + (at[0] + 1) + ": expected a string");
        }
        StringBuilder out = new StringBuilder();
        int i = at[0] + 1;
        while (true) {
            if (i >= s.length()) {
                throw new IllegalArgumentException("invalid JSON: a string is not closed");
            }
            char c = s.charAt(i++);
            if (c == '"') {
                break;
            }
            if (c < 0x20) {
                throw new IllegalArgumentException("invalid JSON: a control character in a string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = s.charAt(i++);
            switch (e) {
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    i += 4;
                }
                case '"', '\\', '/' -> out.append(e);
                default -> throw new IllegalArgumentException("invalid JSON: bad escape \\" + e);
            }
        }
        at[0] = i;
        return out.toString();
    }

    /** A string as JSON writes it; with asciiOnly, every character beyond printable ASCII as \\uXXXX. */
    static String jsonString(String s, boolean asciiOnly) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || (asciiOnly && c > 0x7e)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** Writes a parsed value back: keys sorted as asked, numbers as written. */
    @SuppressWarnings("unchecked")
    static String jsonWrite(Object v, String sort, boolean top, String comma, String colon, boolean asciiOnly) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Boolean b) {
            return b.toString();
        }
        if (v instanceof JsonNumber n) {
            return n.text();
        }
        if (v instanceof String s) {
            return jsonString(s, asciiOnly);
        }
        if (v instanceof JsonObject object) {
            List<Map.Entry<String, Object>> members = new ArrayList<>(object);
            if (sort.equals("deep") || (sort.equals("top") && top)) {
                members.sort((a, b) -> Arrays.compareUnsigned(utf8(a.getKey()), utf8(b.getKey())));
            }
            List<String> items = new ArrayList<>();
            for (Map.Entry<String, Object> m : members) {
                items.add(jsonString(m.getKey(), asciiOnly) + colon + jsonWrite(m.getValue(), sort, false, comma, colon, asciiOnly));
            }
            return "{" + String.join(comma, items) + "}";
        }
        List<String> items = new ArrayList<>();
        for (Object item : (List<Object>) v) {
            items.add(jsonWrite(item, sort, false, comma, colon, asciiOnly));
        }
        return "[" + String.join(comma, items) + "]";
    }

// @helper json jsonCanonical needs=json_parse
    /** Re-serializes JSON: keys sorted as asked, numbers as written. */
    static byte[] jsonCanonical(byte[] text, String sort, boolean spaced, boolean escapeUnicode, String skip, List<String> omit) throws Exception {
        Object v = jsonParse(text);
        if (v instanceof JsonObject object) {
            object.removeIf(m -> omit.contains(m.getKey())
                || (!skip.equals("none") && m.getValue() == null)
                || (skip.equals("null-or-empty") && "".equals(m.getValue())));
        }
        return utf8(jsonWrite(v, sort, true, spaced ? ", " : ",", spaced ? ": " : ":", escapeUnicode));
    }

// @helper percent_decode percentDecode imports=java.io.ByteArrayOutputStream
    static byte[] percentDecode(byte[] data, boolean plusSpace) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < data.length; i++) {
            int c = data[i] & 0xff;
            if (c == '+' && plusSpace) {
                out.write(' ');
            } else if (c == '%' && i + 2 < data.length
                    && Character.digit(data[i + 1], 16) >= 0 && Character.digit(data[i + 2], 16) >= 0) {
                out.write(Character.digit(data[i + 1], 16) * 16 + Character.digit(data[i + 2], 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }

// @helper percent_encode percentEncode
    /** RFC 3986 percent-encoding, upper-case hex; "form" writes a space as +. */
    static byte[] percentEncode(byte[] data, String keep) {
        StringBuilder out = new StringBuilder();
        for (byte b : data) {
            int c = b & 0xff;
            boolean unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
            if (unreserved || (c == '/' && keep.equals("unreserved-and-slash"))) {
                out.append((char) c);
            } else if (c == ' ' && keep.equals("form")) {
                out.append('+');
            } else {
                out.append(String.format("%%%02X", c));
            }
        }
        return unbin(out.toString());
    }

// @helper params_parse - needs=json_parse,percent_decode imports=java.util.AbstractMap,java.util.ArrayList,java.util.List,java.util.Map
    /** Name-value pairs of a=1&b=2 text or of a JSON object, as byte strings. */
    static List<String[]> paramsParse(byte[] text, boolean decode) throws Exception {
        List<String[]> out = new ArrayList<>();
        if (bin(text).stripLeading().startsWith("{")) {
            if (!(jsonParse(text) instanceof JsonObject object)) {
                throw new IllegalArgumentException("expected a JSON object of parameters");
            }
            for (Map.Entry<String, Object> m : object) {
                Object x = m.getValue();
                byte[] value = x instanceof String s ? utf8(s)
                    : x == null ? new byte[0]
                    : utf8(jsonWrite(x, "none", false, ",", ":", false));
                out.add(new String[] {bin(utf8(m.getKey())), bin(decode ? percentDecode(value, true) : value)});
            }
            return out;
        }
        for (String part : bin(text).split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String name = eq < 0 ? part : part.substring(0, eq);
            String value = eq < 0 ? "" : part.substring(eq + 1);
            if (decode) {
                name = bin(percentDecode(unbin(name), true));
                value = bin(percentDecode(unbin(value), true));
            }
            out.add(new String[] {name, value});
        }
        return out;
    }

// @helper params paramsCanonical needs=params_parse,percent_encode imports=java.util.ArrayList,java.util.HashSet,java.util.List,java.util.Map,java.util.Set
    /** Parameters joined as pair items: filtered, set, encoded and sorted as the trace did. */
    static byte[] paramsCanonical(List<byte[]> inputs, boolean decode, List<String> omit, List<Map.Entry<String, byte[]>> set, boolean keepRepeats, String encode, String sort, String pair, byte[] join) throws Exception {
        List<String[]> params = new ArrayList<>();
        for (byte[] text : inputs) {
            params.addAll(paramsParse(text, decode));
        }
        params.removeIf(p -> omit.contains(p[0]));
        for (Map.Entry<String, byte[]> s : set) {
            if (s.getValue().length > 0) {
                params.removeIf(p -> p[0].equals(s.getKey()));
                params.add(new String[] {s.getKey(), bin(s.getValue())});
            }
        }
        if (!keepRepeats) {
            Set<String> seen = new HashSet<>();
            params.removeIf(p -> !seen.add(p[0]));
        }
        if (!encode.equals("none")) {
            String keep = encode.equals("form") ? "form" : "unreserved";
            params.replaceAll(p -> new String[] {bin(percentEncode(unbin(p[0]), keep)), bin(percentEncode(unbin(p[1]), keep))});
        }
        if (sort.equals("name")) {
            params.sort((a, b) -> a[0].compareTo(b[0]));
        } else if (sort.equals("name-value")) {
            params.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        }
        List<String> items = new ArrayList<>();
        for (String[] p : params) {
            // {eq_value}: "=" and the value, or nothing for an empty value (OSS's `acl`).
            String[] pieces = pair.replace("{eq_value}", p[1].isEmpty() ? "" : "={value}")
                .split("(?=\\{name\\}|\\{value\\})|(?<=\\{name\\}|\\{value\\})");
            StringBuilder item = new StringBuilder();
            for (String piece : pieces) {
                item.append(piece.equals("{name}") ? p[0] : piece.equals("{value}") ? p[1] : bin(utf8(piece)));
            }
            items.add(item.toString());
        }
        return unbin(String.join(bin(join), items));
    }

// @helper param paramValue needs=params_parse
    static byte[] paramValue(String name, byte[] text, boolean decode) throws Exception {
        for (String[] p : paramsParse(text, decode)) {
            if (p[0].equals(bin(utf8(name)))) {
                return unbin(p[1]);
            }
        }
        throw new IllegalArgumentException("no parameter " + name);
    }

// @helper xml_params xmlParams imports=java.io.ByteArrayInputStream,java.util.ArrayList,java.util.Arrays,java.util.List,javax.xml.parsers.DocumentBuilderFactory,org.w3c.dom.Element,org.w3c.dom.Node
    /** The root's child elements of a flat XML document as name=value&…; no DTD is read. */
    static byte[] xmlParams(byte[] text, String sort, String skip, List<String> omit) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setExpandEntityReferences(false);
        var builder = factory.newDocumentBuilder();
        builder.setErrorHandler(null);
        Element root = builder.parse(new ByteArrayInputStream(text)).getDocumentElement();
        List<byte[][]> pairs = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeType() == Node.ELEMENT_NODE) {
                String name = n.getNodeName();
                for (Node c = n.getFirstChild(); c != null; c = c.getNextSibling()) {
                    if (c.getNodeType() == Node.ELEMENT_NODE) {
                        throw new IllegalArgumentException("<" + name + "> holds an element <" + c.getNodeName() + ">: only a flat document is read");
                    }
                }
                if (seen.contains(name)) {
                    throw new IllegalArgumentException("<" + name + "> appears twice: which one is signed is not defined");
                }
                seen.add(name);
                String value = n.getTextContent();
                if (!omit.contains(name) && !(skip.equals("empty") && value.isEmpty())) {
                    pairs.add(new byte[][] {utf8(name), utf8(value)});
                }
            } else if ((n.getNodeType() == Node.TEXT_NODE || n.getNodeType() == Node.CDATA_SECTION_NODE)
                    && !n.getNodeValue().strip().isEmpty()) {
                throw new IllegalArgumentException("text directly inside <" + root.getNodeName() + ">: only elements are read there");
            }
        }
        if (sort.equals("name")) {
            pairs.sort((a, b) -> Arrays.compareUnsigned(a[0], b[0]));
        }
        List<byte[]> out = new ArrayList<>();
        for (byte[][] p : pairs) {
            if (!out.isEmpty()) {
                out.add(utf8("&"));
            }
            out.add(cat(p[0], utf8("="), p[1]));
        }
        return cat(out.toArray(new byte[0][]));
    }

// @helper url urlPart
    /** A part of a URL, verbatim (no normalization). */
    static byte[] urlPart(byte[] url, String part) {
        String u = bin(url);
        String origin = "";
        String rest = u;
        int at = u.indexOf("://");
        if (at >= 0) {
            int end = at + 3;
            while (end < u.length() && "/?#".indexOf(u.charAt(end)) < 0) {
                end++;
            }
            origin = u.substring(0, end);
            rest = u.substring(end);
        }
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            rest = rest.substring(0, hash);
        }
        int q = rest.indexOf('?');
        String path = q < 0 ? rest : rest.substring(0, q);
        String query = q < 0 ? "" : rest.substring(q + 1);
        String result = switch (part) {
            case "full" -> u;
            case "path" -> path;
            case "query" -> query;
            case "search" -> query.isEmpty() ? "" : "?" + query;
            case "path-and-query" -> rest;
            case "without-query" -> origin + path;
            case "origin" -> origin;
            default -> at >= 0 ? origin.substring(at + 3) : origin;
        };
        return unbin(result);
    }

// @helper lower lower
    /** ASCII letters to lower case. */
    static byte[] lower(byte[] data) {
        byte[] out = data.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] >= 'A' && out[i] <= 'Z') {
                out[i] += 'a' - 'A';
            }
        }
        return out;
    }

// @helper upper upper
    /** ASCII letters to upper case. */
    static byte[] upper(byte[] data) {
        byte[] out = data.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] >= 'a' && out[i] <= 'z') {
                out[i] -= 'a' - 'A';
            }
        }
        return out;
    }

// @helper check check imports=java.util.Arrays
    /** Nothing when the claimed value equals the computed one, else the mark. */
    static byte[] check(byte[] claimed, byte[] computed, byte[] differs) {
        return Arrays.equals(claimed, computed) ? new byte[0] : differs;
    }

// @helper trim trim
    static byte[] trim(byte[] data) {
        return unbin(bin(data).replaceAll("^[ \\t\\n\\r\\f]+|[ \\t\\n\\r\\f]+$", ""));
    }

// @helper slice sliceBytes imports=java.util.Arrays
    /** Bytes start..end (end -1: to the end), clamped to the data. */
    static byte[] sliceBytes(byte[] data, int start, int end) {
        int stop = end < 0 ? data.length : Math.min(end, data.length);
        return Arrays.copyOfRange(data, Math.min(start, stop), stop);
    }

// @helper normalize_path normalizePath imports=java.util.ArrayList,java.util.List
    /** Resolves ".", ".." and empty segments. */
    static byte[] normalizePath(byte[] path) {
        String p = bin(path);
        List<String> kept = new ArrayList<>();
        for (String segment : p.split("/", -1)) {
            if (segment.equals("..")) {
                if (!kept.isEmpty()) {
                    kept.remove(kept.size() - 1);
                }
            } else if (!segment.isEmpty() && !segment.equals(".")) {
                kept.add(segment);
            }
        }
        String out = "/" + String.join("/", kept);
        if (!kept.isEmpty() && (p.endsWith("/") || p.endsWith("/.") || p.endsWith("/.."))) {
            out += "/";
        }
        return unbin(out);
    }

// @helper headers headerLines needs=percent_encode imports=java.util.ArrayList,java.util.LinkedHashMap,java.util.List,java.util.Locale,java.util.Map,java.util.regex.Pattern
    /**
     * The chosen headers, each written by pair, joined by join (and ended by it when trailing):
     * selected, merged, encoded and sorted as the trace did.
     */
    static byte[] headerLines(byte[] lines, List<Map.Entry<String, byte[]>> set, byte[] names, String separator, List<String> prefixes, List<String> exclude, String missing, String empty, String nameCase, String encode, String sort, boolean squeeze, String pair, byte[] join, boolean trailing) {
        String ws = "^[ \\t\\n\\r\\f]+|[ \\t\\n\\r\\f]+$";
        List<String[]> headers = new ArrayList<>();
        for (String line : bin(lines).split("\n")) {
            line = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            if (line.isEmpty()) {
                continue;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                String[] last = headers.get(headers.size() - 1);
                last[1] += " " + line.replaceAll(ws, "");
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("not a header line: " + line);
            }
            headers.add(new String[] {line.substring(0, colon), line.substring(colon + 1).replaceAll(ws, "")});
        }
        for (Map.Entry<String, byte[]> s : set) {
            if (s.getValue().length > 0) {
                headers.removeIf(h -> h[0].equalsIgnoreCase(s.getKey()));
                headers.add(new String[] {s.getKey(), bin(s.getValue())});
            }
        }
        List<String> wanted = new ArrayList<>();
        for (String n : bin(names).split(Pattern.quote(separator))) {
            n = n.strip().toLowerCase(Locale.ROOT);
            if (!n.isEmpty() && !wanted.contains(n)) {
                wanted.add(n);
            }
        }
        Map<String, String[]> merged = new LinkedHashMap<>();
        for (String[] h : headers) {
            String key = h[0].toLowerCase(Locale.ROOT);
            boolean chosen = wanted.isEmpty() && prefixes.isEmpty()
                || prefixes.stream().anyMatch(p -> key.startsWith(p.toLowerCase(Locale.ROOT)));
            chosen = wanted.contains(key) || (chosen && exclude.stream().noneMatch(e -> e.equalsIgnoreCase(key)));
            String value = h[1].replaceAll(ws, "");
            if (squeeze) {
                value = value.replaceAll("[ \\t]+", " ");
            }
            if (!chosen || (empty.equals("drop") && value.isEmpty())) {
                continue;
            }
            String[] seen = merged.get(key);
            if (seen != null) {
                seen[1] += "," + value;
            } else {
                merged.put(key, new String[] {h[0], value});
            }
        }
        if (missing.equals("error")) {
            for (String w : wanted) {
                if (!merged.containsKey(w)) {
                    throw new IllegalArgumentException("the signed header " + w + " is not among the request's headers");
                }
            }
        }
        List<Map.Entry<String, String[]>> items = new ArrayList<>(merged.entrySet());
        if (sort.equals("none")) {
            items.sort((a, b) -> Integer.compare(
                wanted.contains(a.getKey()) ? wanted.indexOf(a.getKey()) : wanted.size(),
                wanted.contains(b.getKey()) ? wanted.indexOf(b.getKey()) : wanted.size()));
        }
        List<String[]> out = new ArrayList<>();
        for (Map.Entry<String, String[]> item : items) {
            String name = nameCase.equals("lower") ? item.getKey() : item.getValue()[0];
            String value = item.getValue()[1];
            if (encode.equals("rfc3986")) {
                name = bin(percentEncode(unbin(name), "unreserved"));
                value = bin(percentEncode(unbin(value), "unreserved"));
            }
            out.add(new String[] {name, value});
        }
        String[] pieces = pair.split("(?=\\{name\\}|\\{value\\})|(?<=\\{name\\}|\\{value\\})");
        java.util.function.Function<String[], String> written = p -> {
            StringBuilder line = new StringBuilder();
            for (String piece : pieces) {
                line.append(piece.equals("{name}") ? p[0] : piece.equals("{value}") ? p[1] : bin(utf8(piece)));
            }
            return line.toString();
        };
        if (sort.equals("name")) {
            out.sort((a, b) -> a[0].compareTo(b[0]));
        } else if (sort.equals("line")) {
            out.sort((a, b) -> written.apply(a).compareTo(written.apply(b)));
        }
        List<String> texts = new ArrayList<>();
        for (String[] p : out) {
            texts.add(written.apply(p));
        }
        String text = String.join(bin(join), texts);
        return unbin(trailing && !out.isEmpty() ? text + bin(join) : text);
    }

// @helper utc_date utcDate imports=java.time.Instant,java.time.ZoneOffset,java.time.format.DateTimeFormatter
    /** The UTC calendar date of a time in unix seconds. */
    static byte[] utcDate(byte[] seconds, boolean dashes) {
        long n = Long.parseLong(bin(seconds).trim());
        String pattern = dashes ? "yyyy-MM-dd" : "yyyyMMdd";
        return utf8(Instant.ofEpochSecond(n).atZone(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern(pattern)));
    }

// @helper json_string jsonQuote imports=java.nio.ByteBuffer,java.nio.charset.StandardCharsets
    /** UTF-8 text as a JSON string literal, as JavaScript's JSON.stringify writes it. */
    static byte[] jsonQuote(byte[] data) throws Exception {
        // Refuses bytes that are not UTF-8 (the decoder reports them instead of replacing them).
        StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(data));
        StringBuilder out = new StringBuilder("\"");
        for (byte b : data) {
            int c = b & 0xff;
            switch (c) {
                case '"', '\\' -> out.append('\\').append((char) c);
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(c < 0x20 ? String.format("\\u%04x", c) : String.valueOf((char) c));
            }
        }
        return unbin(out.append('"').toString());
    }

// @helper ensure_suffix ensureSuffix
    static byte[] ensureSuffix(byte[] data, byte[] suffix) {
        return bin(data).endsWith(bin(suffix)) ? data : cat(data, suffix);
    }

// @helper switch switchValue needs=lower imports=java.util.Arrays,java.util.List
    /** The result of the key the value equals (ASCII case ignored when asked), else otherwise. */
    static byte[] switchValue(byte[] value, List<byte[]> keys, List<byte[]> results, byte[] otherwise,
            boolean ignoreCase) {
        for (int i = 0; i < keys.size(); i++) {
            byte[] key = keys.get(i);
            if (Arrays.equals(value, key)
                    || ignoreCase && Arrays.equals(lower(value), lower(key))) {
                return results.get(i);
            }
        }
        return otherwise;
    }

// @helper request_headers - imports=java.util.ArrayList,java.util.List,java.util.Map
    /** The request's headers as {name, value} pairs: values trimmed, folded lines joined, set applied. */
    static List<String[]> requestHeaders(byte[] lines, List<Map.Entry<String, byte[]>> set) {
        String ws = "^[ \\t\\n\\r\\f]+|[ \\t\\n\\r\\f]+$";
        List<String[]> headers = new ArrayList<>();
        for (String line : bin(lines).split("\n", -1)) {
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isEmpty()) {
                continue;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                String[] last = headers.get(headers.size() - 1);
                last[1] = last[1] + " " + line.replaceAll(ws, "");
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("not a header line: " + line);
            }
            headers.add(new String[] {line.substring(0, colon), line.substring(colon + 1).replaceAll(ws, "")});
        }
        for (Map.Entry<String, byte[]> e : set) {
            if (e.getValue().length > 0) {
                headers.removeIf(h -> h[0].equalsIgnoreCase(e.getKey()));
                headers.add(new String[] {e.getKey(), bin(e.getValue())});
            }
        }
        return headers;
    }

    /** The values of a header (any case), in their order. */
    static List<String> headerValues(List<String[]> headers, String name) {
        List<String> out = new ArrayList<>();
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                out.add(h[1]);
            }
        }
        return out;
    }

// @helper cavage_string cavageString needs=request_headers,url imports=java.util.ArrayList,java.util.List,java.util.Locale,java.util.Map
    /** draft-cavage-http-signatures: one "name: value" line per listed name, in the list's order. */
    static byte[] cavageString(byte[] names, byte[] method, byte[] url, byte[] lines, List<Map.Entry<String, byte[]>> set, byte[] created, byte[] expires) {
        List<String[]> headers = requestHeaders(lines, set);
        List<String> out = new ArrayList<>();
        for (String name : bin(names).toLowerCase(Locale.ROOT).trim().split("[ \\t\\n\\r\\f]+")) {
            if (name.isEmpty()) {
                continue;
            }
            String value;
            if (name.equals("(request-target)")) {
                String rest = bin(urlPart(url, "path-and-query"));
                value = bin(method).toLowerCase(Locale.ROOT) + " " + (rest.startsWith("/") ? rest : "/" + rest);
            } else if (name.equals("(created)") || name.equals("(expires)")) {
                value = bin(name.equals("(created)") ? created : expires).trim();
                if (value.isEmpty()) {
                    throw new IllegalArgumentException(name + " is listed, but the signature has no such parameter");
                }
            } else if (name.startsWith("(")) {
                throw new IllegalArgumentException(name + " is not a pseudo-header of the draft");
            } else {
                List<String> values = headerValues(headers, name);
                if (values.isEmpty()) {
                    throw new IllegalArgumentException(name + " is listed, but the request has no such header");
                }
                value = String.join(", ", values);
            }
            out.add(name + ": " + value);
        }
        return unbin(String.join("\n", out));
    }

// @helper signature_base signatureBase needs=request_headers,url,percent_decode imports=java.util.ArrayList,java.util.Base64,java.util.List,java.util.Locale,java.util.Map,java.util.regex.Matcher,java.util.regex.Pattern
    /** A Structured Field bare item: its kind and its text (for a Byte Sequence, the bytes as bin text). */
    record SfValue(String kind, String text) {}

    /** A Structured Field item or inner list parameter. */
    record SfParam(String key, SfValue value) {}

    /** An inner list's item with its parameters. */
    record SfMember(SfValue value, List<SfParam> params) {}

    /** An RFC 8941 inner list with parameters. */
    record SfInnerList(List<SfMember> items, List<SfParam> params) {}

    static SfInnerList sfInnerList(byte[] text) {
        String s = bin(text).trim();
        int[] at = {0};
        Pattern item = Pattern.compile("^(-?[0-9]+(\\.[0-9]+)?|[A-Za-z*][A-Za-z0-9!#$%&'*+\\-.^_`|~:/]*)");
        Pattern key = Pattern.compile("^[a-z*][a-z0-9_\\-.*]*");
        java.util.function.IntFunction<Character> peek = i -> i < s.length() ? s.charAt(i) : '\0';
        java.util.function.Supplier<SfValue> bare = () -> {
            char c = peek.apply(at[0]);
            if (c == '"') {
                StringBuilder out = new StringBuilder();
                at[0]++;
                for (;;) {
                    if (at[0] >= s.length()) {
                        throw new IllegalArgumentException("an unterminated string");
                    }
                    char d = s.charAt(at[0]++);
                    if (d == '\\') {
                        out.append(s.charAt(at[0]++));
                    } else if (d == '"') {
                        return new SfValue("string", out.toString());
                    } else {
                        out.append(d);
                    }
                }
            }
            if (c == ':') {
                int end = s.indexOf(':', at[0] + 1);
                String value = bin(Base64.getDecoder().decode(s.substring(at[0] + 1, end)));
                at[0] = end + 1;
                return new SfValue("bytes", value);
            }
            if (c == '?') {
                at[0] += 2;
                return new SfValue("bool", s.substring(at[0] - 1, at[0]));
            }
            Matcher m = item.matcher(s.substring(at[0]));
            if (!m.find()) {
                throw new IllegalArgumentException("not a Structured Field item at " + s.substring(at[0]));
            }
            at[0] += m.group(0).length();
            String kind = Character.isLetter(c) || c == '*' ? "token" : m.group(2) != null ? "decimal" : "integer";
            return new SfValue(kind, m.group(0));
        };
        java.util.function.Supplier<List<SfParam>> params = () -> {
            List<SfParam> out = new ArrayList<>();
            while (peek.apply(at[0]) == ';') {
                at[0]++;
                while (peek.apply(at[0]) == ' ') {
                    at[0]++;
                }
                Matcher m = key.matcher(s.substring(at[0]));
                if (!m.find()) {
                    throw new IllegalArgumentException("not a parameter key at " + s.substring(at[0]));
                }
                at[0] += m.group(0).length();
                SfValue value = new SfValue("bool", "1");
                if (peek.apply(at[0]) == '=') {
                    at[0]++;
                    value = bare.get();
                }
                out.add(new SfParam(m.group(0), value));
            }
            return out;
        };
        if (peek.apply(at[0]) != '(') {
            throw new IllegalArgumentException("not an inner list: (\"…\" …);created=…");
        }
        at[0]++;
        List<SfMember> items = new ArrayList<>();
        for (;;) {
            while (peek.apply(at[0]) == ' ') {
                at[0]++;
            }
            if (peek.apply(at[0]) == ')') {
                at[0]++;
                break;
            }
            SfValue value = bare.get();
            items.add(new SfMember(value, params.get()));
            if (peek.apply(at[0]) != ' ' && peek.apply(at[0]) != ')') {
                throw new IllegalArgumentException("an inner list's items are separated by spaces, at " + s.substring(at[0]));
            }
        }
        List<SfParam> listParams = params.get();
        if (at[0] != s.length()) {
            throw new IllegalArgumentException("text after the inner list: " + s.substring(at[0]));
        }
        return new SfInnerList(items, listParams);
    }

    static String sfBare(SfValue v) {
        switch (v.kind()) {
            case "string":
                return "\"" + v.text().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            case "bytes":
                return ":" + Base64.getEncoder().encodeToString(unbin(v.text())) + ":";
            case "bool":
                return "?" + v.text();
            case "decimal": {
                String[] parts = v.text().split("\\.", 2);
                String frac = parts[1].replaceAll("0+$", "");
                return parts[0] + "." + (frac.isEmpty() ? "0" : frac);
            }
            default:
                return v.text();
        }
    }

    static String sfItem(SfValue v, List<SfParam> params) {
        StringBuilder out = new StringBuilder(sfBare(v));
        for (SfParam p : params) {
            out.append(';').append(p.key());
            if (!(p.value().kind().equals("bool") && p.value().text().equals("1"))) {
                out.append('=').append(sfBare(p.value()));
            }
        }
        return out.toString();
    }

    /** WHATWG URL's form encoding, a space as %20 (RFC 9421 2.2.8). */
    static String formEncode(byte[] data) {
        StringBuilder out = new StringBuilder();
        for (byte b : data) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "*-._".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append(String.format("%%%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    /** RFC 9421's signature base of the components a Signature-Input member lists. */
    static byte[] signatureBase(byte[] params, byte[] method, byte[] url, byte[] lines, List<Map.Entry<String, byte[]>> set) {
        List<String[]> headers = requestHeaders(lines, set);
        SfInnerList list = sfInnerList(params);
        String u = bin(url);
        String path = bin(urlPart(url, "path"));
        path = path.isEmpty() ? "/" : path;
        String query = bin(urlPart(url, "query"));
        int sep = u.indexOf("://");
        String scheme = sep < 0 ? "" : u.substring(0, sep).toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder();
        List<String> shownItems = new ArrayList<>();
        for (SfMember item : list.items()) {
            String shown = sfItem(item.value(), item.params());
            shownItems.add(shown);
            Map<String, SfValue> keys = new java.util.HashMap<>();
            for (SfParam p : item.params()) {
                keys.put(p.key(), p.value());
            }
            if (!item.value().kind().equals("string")) {
                throw new IllegalArgumentException("the covered component " + shown + " is not a String");
            }
            if (keys.containsKey("req") || keys.containsKey("tr")) {
                throw new IllegalArgumentException("the covered component " + shown + ": req and tr do not apply to a request");
            }
            String name = item.value().text();
            String value;
            switch (name) {
                case "@method" -> value = bin(method);
                case "@target-uri" -> value = u.split("#", 2)[0];
                case "@authority" -> {
                    String host = bin(urlPart(url, "host")).toLowerCase(Locale.ROOT);
                    host = host.substring(host.lastIndexOf('@') + 1);
                    String port = Map.of("https", ":443", "wss", ":443", "http", ":80", "ws", ":80").get(scheme);
                    value = port != null && host.endsWith(port) ? host.substring(0, host.length() - port.length()) : host;
                }
                case "@scheme" -> value = scheme;
                case "@request-target" -> value = path + (bin(urlPart(url, "path-and-query")).contains("?") ? "?" + query : "");
                case "@path" -> value = path;
                case "@query" -> value = "?" + query;
                case "@query-param" -> {
                    List<String> found = new ArrayList<>();
                    for (String pair : query.split("&")) {
                        if (pair.isEmpty()) {
                            continue;
                        }
                        int eq = pair.indexOf('=');
                        String k = eq < 0 ? pair : pair.substring(0, eq);
                        String v = eq < 0 ? "" : pair.substring(eq + 1);
                        if (formEncode(percentDecode(unbin(k), true)).equals(keys.get("name").text())) {
                            found.add(formEncode(percentDecode(unbin(v), true)));
                        }
                    }
                    if (found.size() != 1) {
                        throw new IllegalArgumentException("the covered component " + shown + ": the query has it " + found.size() + " times");
                    }
                    value = found.get(0);
                }
                default -> {
                    if (name.startsWith("@")) {
                        throw new IllegalArgumentException("the covered component " + shown + " is not one this snippet derives");
                    }
                    List<String> values = headerValues(headers, name);
                    if (values.isEmpty()) {
                        throw new IllegalArgumentException("the covered component " + shown + ": the request has no such header");
                    }
                    if (keys.containsKey("bs")) {
                        values.replaceAll(v -> ":" + Base64.getEncoder().encodeToString(unbin(v)) + ":");
                    } else if (keys.containsKey("sf") || keys.containsKey("key")) {
                        throw new IllegalArgumentException(shown + ": this snippet does not re-serialize Structured Fields (sigscope does)");
                    }
                    value = String.join(", ", values);
                }
            }
            out.append(shown).append(": ").append(value).append('\n');
        }
        out.append("\"@signature-params\": (").append(String.join(" ", shownItems)).append(')')
            .append(sfItem(new SfValue("token", ""), list.params()));
        return unbin(out.toString());
    }
// @unsupported php_serialize public-key snippets are written for Python, JavaScript, Go and Java, and PHP's serialize() form (only Paddle Classic, an RSA scheme, uses it) for Python alone

// @helper pk_key - needs=json_parse imports=java.io.ByteArrayInputStream,java.math.BigInteger,java.security.KeyFactory,java.security.KeyPair,java.security.KeyPairGenerator,java.security.PrivateKey,java.security.PublicKey,java.security.SecureRandom,java.security.cert.CertificateFactory,java.security.interfaces.ECPrivateKey,java.security.interfaces.RSAPrivateCrtKey,java.security.spec.ECFieldFp,java.security.spec.ECGenParameterSpec,java.security.spec.ECParameterSpec,java.security.spec.ECPoint,java.security.spec.ECPrivateKeySpec,java.security.spec.ECPublicKeySpec,java.security.spec.NamedParameterSpec,java.security.spec.PKCS8EncodedKeySpec,java.security.spec.RSAPrivateCrtKeySpec,java.security.spec.RSAPublicKeySpec,java.security.spec.X509EncodedKeySpec,java.util.Base64
    /** A key as users have it (PEM public, private or certificate, DER, a JWK or JWKS by the JWT
     * header's kid, an Ed25519 key as 32 bytes in hex or base64), as its public half and, for a
     * private key, the private one. */
    static KeyPair pkKey(byte[] text, byte[] kidFrom) throws Exception {
        String t = new String(text, StandardCharsets.ISO_8859_1).trim();
        if (t.startsWith("-----BEGIN")) {
            String label = t.substring(11, t.indexOf("-----", 11));
            String body = t.substring(t.indexOf('\n') + 1, t.indexOf("-----END"));
            byte[] der = Base64.getMimeDecoder().decode(body);
            switch (label) {
                case "CERTIFICATE":
                    return new KeyPair(CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(der)).getPublicKey(), null);
                case "RSA PUBLIC KEY":
                    return new KeyPair(pkPublic(pkWrap(der, true)), null);
                case "RSA PRIVATE KEY":
                    return pkPrivate(pkWrap(der, false));
                case "PRIVATE KEY":
                    return pkPrivate(der);
                default:
                    return new KeyPair(pkPublic(der), null);
            }
        }
        if (t.startsWith("{")) {
            JsonObject doc = (JsonObject) jsonParse(text);
            Object keys = pkMember(doc, "keys");
            if (keys != null) {
                String from = new String(kidFrom, StandardCharsets.UTF_8).trim();
                String kid = from.startsWith("{") ? (String) pkMember((JsonObject) jsonParse(kidFrom), "kid")
                    : from.isEmpty() ? null : from;
                JsonObject found = null;
                int count = 0;
                for (Object k : (List<?>) keys) {
                    if (kid == null || kid.equals(pkMember((JsonObject) k, "kid"))) {
                        found = (JsonObject) k;
                        count++;
                    }
                }
                if (count != 1) {
                    throw new IllegalArgumentException("the JWKS has no single key for kid " + kid);
                }
                doc = found;
            }
            return pkJwk(doc);
        }
        byte[] raw = text;
        if (t.matches("([0-9a-fA-F]{2})+")) {
            raw = unhex(t);
        } else if (t.matches("[A-Za-z0-9+/_=-]+")) {
            raw = Base64.getDecoder().decode(t.replace('-', '+').replace('_', '/').replaceAll("=+$", ""));
        }
        if (raw.length == 32) {
            return new KeyPair(pkPublic(cat(unhex("302a300506032b6570032100"), raw)), null);
        }
        try {
            return new KeyPair(pkPublic(raw), null);
        } catch (Exception e) {
            try {
                return pkPrivate(raw);
            } catch (Exception e2) {
                return new KeyPair(CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(raw)).getPublicKey(), null);
            }
        }
    }

    static Object pkMember(JsonObject o, String name) {
        Object found = null;
        for (Map.Entry<String, Object> e : o) {
            if (e.getKey().equals(name)) {
                found = e.getValue();
            }
        }
        return found;
    }

    static PublicKey pkPublic(byte[] spki) throws Exception {
        for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(spki));
            } catch (Exception e) {
                // the next algorithm
            }
        }
        throw new IllegalArgumentException("the key is not an RSA, EC or Ed25519 public key");
    }

    /** A private key (PKCS#8) with its public half. */
    static KeyPair pkPrivate(byte[] pkcs8) throws Exception {
        for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
            PrivateKey key;
            try {
                key = KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (Exception e) {
                continue;
            }
            if (key instanceof RSAPrivateCrtKey k) {
                return new KeyPair(KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(k.getModulus(), k.getPublicExponent())), key);
            }
            if (key instanceof ECPrivateKey k) {
                return new KeyPair(pkEcPublic(k.getS(), k.getParams()), key);
            }
            // Ed25519: the seed is the last 32 bytes of its PKCS#8 form.
            return pkEd25519(java.util.Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length));
        }
        throw new IllegalArgumentException("the key is not an RSA, EC or Ed25519 private key");
    }

    /** An Ed25519 key pair from its 32-byte seed (the generator reads the seed as its randomness). */
    static KeyPair pkEd25519(byte[] seed) throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("Ed25519");
        gen.initialize(new NamedParameterSpec("Ed25519"), new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                System.arraycopy(seed, 0, bytes, 0, bytes.length);
            }
        });
        return gen.generateKeyPair();
    }

    /** The public point d·G of a prime curve, in affine coordinates. */
    static PublicKey pkEcPublic(BigInteger d, ECParameterSpec spec) throws Exception {
        BigInteger p = ((ECFieldFp) spec.getCurve().getField()).getP();
        BigInteger a = spec.getCurve().getA();
        BigInteger[] q = null;
        BigInteger[] g = {spec.getGenerator().getAffineX(), spec.getGenerator().getAffineY()};
        for (int i = d.bitLength() - 1; i >= 0; i--) {
            q = pkEcAdd(q, q, p, a);
            if (d.testBit(i)) {
                q = pkEcAdd(q, g, p, a);
            }
        }
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(q[0], q[1]), spec));
    }

    static BigInteger[] pkEcAdd(BigInteger[] u, BigInteger[] v, BigInteger p, BigInteger a) {
        if (u == null) {
            return v;
        }
        if (v == null) {
            return u;
        }
        BigInteger l;
        if (u[0].equals(v[0])) {
            if (!u[1].equals(v[1]) || u[1].signum() == 0) {
                return null;
            }
            l = u[0].pow(2).multiply(BigInteger.valueOf(3)).add(a).multiply(u[1].shiftLeft(1).modInverse(p)).mod(p);
        } else {
            l = v[1].subtract(u[1]).multiply(v[0].subtract(u[0]).modInverse(p)).mod(p);
        }
        BigInteger x = l.pow(2).subtract(u[0]).subtract(v[0]).mod(p);
        return new BigInteger[] {x, l.multiply(u[0].subtract(x)).subtract(u[1]).mod(p)};
    }

    /** PKCS#1 RSA keys wrapped as SPKI (public) or PKCS#8 (private). */
    static byte[] pkWrap(byte[] pkcs1, boolean isPublic) {
        byte[] alg = unhex("300d06092a864886f70d0101010500");
        if (isPublic) {
            return pkDer(0x30, cat(alg, pkDer(0x03, cat(new byte[] {0}, pkcs1))));
        }
        return pkDer(0x30, cat(unhex("020100"), alg, pkDer(0x04, pkcs1)));
    }

    static byte[] pkDer(int tag, byte[] content) {
        int n = content.length;
        byte[] length = n < 128 ? new byte[] {(byte) n}
            : n < 256 ? new byte[] {(byte) 0x81, (byte) n}
            : new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
        return cat(new byte[] {(byte) tag}, length, content);
    }

    static KeyPair pkJwk(JsonObject k) throws Exception {
        java.util.function.Function<String, byte[]> raw = name -> Base64.getUrlDecoder()
            .decode(((String) pkMember(k, name)).replaceAll("=+$", ""));
        java.util.function.Function<String, BigInteger> num = name -> new BigInteger(1, raw.apply(name));
        boolean isPrivate = pkMember(k, "d") != null;
        String kty = (String) pkMember(k, "kty");
        if ("OKP".equals(kty)) {
            if (isPrivate) {
                return pkEd25519(raw.apply("d"));
            }
            return new KeyPair(pkPublic(cat(unhex("302a300506032b6570032100"), raw.apply("x"))), null);
        }
        if ("EC".equals(kty)) {
            java.security.AlgorithmParameters params = java.security.AlgorithmParameters.getInstance("EC");
            params.init(new ECGenParameterSpec("P-384".equals(pkMember(k, "crv")) ? "secp384r1" : "secp256r1"));
            ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
            if (isPrivate) {
                BigInteger d = num.apply("d");
                return new KeyPair(pkEcPublic(d, spec),
                    KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(d, spec)));
            }
            return new KeyPair(KeyFactory.getInstance("EC").generatePublic(
                new ECPublicKeySpec(new ECPoint(num.apply("x"), num.apply("y")), spec)), null);
        }
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        PublicKey pub = rsa.generatePublic(new RSAPublicKeySpec(num.apply("n"), num.apply("e")));
        if (!isPrivate) {
            return new KeyPair(pub, null);
        }
        return new KeyPair(pub, rsa.generatePrivate(new RSAPrivateCrtKeySpec(num.apply("n"), num.apply("e"),
            num.apply("d"), num.apply("p"), num.apply("q"), num.apply("dp"), num.apply("dq"), num.apply("qi"))));
    }

    /** The signature received (SIGSCOPE_SIGNATURE) when it verifies, `(not verified)` when it does
     * not; without one, a signature made with the private key. */
    static byte[] pkStage(KeyPair keys, String encoding, PkVerify verify, PkSign sign) throws Exception {
        String received = System.getenv("SIGSCOPE_SIGNATURE");
        if (received != null) {
            received = received.trim();
            try {
                byte[] sig = encoding.equals("hex") ? unhex(received)
                    : Base64.getDecoder().decode(received.replace('-', '+').replace('_', '/').replaceAll("=+$", ""));
                return verify.check(keys.getPublic(), sig) ? utf8(received) : utf8("(not verified)");
            } catch (Exception e) {
                return utf8("(not verified)");
            }
        }
        if (keys.getPrivate() == null) {
            System.err.println("a public key cannot sign: set SIGSCOPE_SIGNATURE to the signature to verify it");
            System.exit(1);
        }
        byte[] sig = sign.make(keys.getPrivate());
        return utf8(encoding.equals("hex") ? HexFormat.of().formatHex(sig)
            : encoding.equals("base64url") ? Base64.getUrlEncoder().withoutPadding().encodeToString(sig)
            : Base64.getEncoder().encodeToString(sig));
    }

    interface PkVerify {
        boolean check(PublicKey key, byte[] sig) throws Exception;
    }

    interface PkSign {
        byte[] make(PrivateKey key) throws Exception;
    }

// @helper ed25519 ed25519Signature needs=pk_key imports=java.security.Signature
    static byte[] ed25519Signature(byte[] message, byte[] key, String encoding, byte[] kidFrom) throws Exception {
        return pkStage(pkKey(key, kidFrom), encoding, (pub, sig) -> {
            Signature v = Signature.getInstance("Ed25519");
            v.initVerify(pub);
            v.update(message);
            return v.verify(sig);
        }, priv -> {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(priv);
            s.update(message);
            return s.sign();
        });
    }

// @helper ecdsa ecdsaSignature needs=pk_key imports=java.security.Signature,java.security.interfaces.ECKey
    static byte[] ecdsaSignature(String hash, byte[] message, byte[] key, String encoding, boolean raw, byte[] kidFrom) throws Exception {
        KeyPair keys = pkKey(key, kidFrom);
        String name = (hash.equals("sha384") ? "SHA384" : "SHA256") + "withECDSA";
        int size = (((ECKey) keys.getPublic()).getParams().getCurve().getField().getFieldSize() + 7) / 8;
        return pkStage(keys, encoding, (pub, sig) -> {
            Signature v = Signature.getInstance(sig.length == 2 * size ? name + "inP1363Format" : name);
            v.initVerify(pub);
            v.update(message);
            return v.verify(sig);
        }, priv -> {
            Signature s = Signature.getInstance(raw ? name + "inP1363Format" : name);
            s.initSign(priv);
            s.update(message);
            return s.sign();
        });
    }

// @helper rsa rsaSignature needs=pk_key imports=java.security.Signature,java.security.spec.MGF1ParameterSpec,java.security.spec.PSSParameterSpec
    static byte[] rsaSignature(String hash, byte[] message, byte[] key, boolean pss, String encoding, byte[] kidFrom) throws Exception {
        String digest = switch (hash) {
            case "sha1" -> "SHA-1";
            case "sha384" -> "SHA-384";
            case "sha512" -> "SHA-512";
            default -> "SHA-256";
        };
        int saltLength = switch (hash) {
            case "sha1" -> 20;
            case "sha384" -> 48;
            case "sha512" -> 64;
            default -> 32;
        };
        PkSign sign = priv -> {
            Signature s = Signature.getInstance(pss ? "RSASSA-PSS" : digest.replace("-", "") + "withRSA");
            if (pss) {
                s.setParameter(new PSSParameterSpec(digest, "MGF1", new MGF1ParameterSpec(digest), saltLength, 1));
            }
            s.initSign(priv);
            s.update(message);
            return s.sign();
        };
        return pkStage(pkKey(key, kidFrom), encoding, (pub, sig) -> {
            Signature v = Signature.getInstance(pss ? "RSASSA-PSS" : digest.replace("-", "") + "withRSA");
            if (pss) {
                v.setParameter(new PSSParameterSpec(digest, "MGF1", new MGF1ParameterSpec(digest), saltLength, 1));
            }
            v.initVerify(pub);
            v.update(message);
            return v.verify(sig);
        }, sign);
    }
