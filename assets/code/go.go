// Helpers for sigscope's Go export: one section per recipe primitive, cut at the marker lines.
// Only the sections a recipe uses (and what they need) go into a snippet.

// @helper main - imports=fmt,io,os
// show prints a stage's bytes as they are.
func show(name string, value []byte) {
	os.Stdout.Write(cat([]byte(name+": "), value, []byte("\n")))
}

// showHex prints raw MAC or hash bytes as hex.
func showHex(name string, value []byte) {
	fmt.Printf("%s (hex): %x\n", name, value)
}

// showSecret names a stage made from a secret without printing it.
func showSecret(name string) {
	fmt.Printf("%s: (secret, not shown)\n", name)
}

// fail reports why the signature cannot be made and exits.
func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

// secret reads a secret's bytes from the environment.
func secret(variable string) []byte {
	value, ok := os.LookupEnv(variable)
	if !ok {
		fail("set the environment variable %s to the secret", variable)
	}
	return []byte(value)
}

// readBody reads the body: the file named by the first argument, or standard input.
func readBody() []byte {
	var body []byte
	var err error
	if len(os.Args) > 1 {
		body, err = os.ReadFile(os.Args[1])
	} else {
		body, err = io.ReadAll(os.Stdin)
	}
	if err != nil {
		fail("reading the body: %v", err)
	}
	return body
}

// cat joins byte slices.
func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// @helper pair -
// pair is a name with a value (a parameter or header set by the scheme).
type pair struct {
	name  string
	value []byte
}

// @helper hash_for - imports=crypto/md5,crypto/sha1,crypto/sha256,crypto/sha512,hash
func hashFor(alg string) func() hash.Hash {
	switch alg {
	case "md5":
		return md5.New
	case "sha1":
		return sha1.New
	case "sha384":
		return sha512.New384
	case "sha512":
		return sha512.New
	}
	return sha256.New
}

// @helper hmac hmacDigest needs=hash_for imports=crypto/hmac
func hmacDigest(alg string, key, message []byte) []byte {
	mac := hmac.New(hashFor(alg), key)
	mac.Write(message)
	return mac.Sum(nil)
}

// @helper hash hashDigest needs=hash_for
func hashDigest(alg string, message []byte) []byte {
	h := hashFor(alg)()
	h.Write(message)
	return h.Sum(nil)
}

// @helper crc32 crc32Text imports=fmt,hash/crc32
func crc32Text(data []byte, hexDigits bool) []byte {
	crc := crc32.ChecksumIEEE(data)
	if hexDigits {
		return []byte(fmt.Sprintf("%08x", crc))
	}
	return []byte(fmt.Sprintf("%d", crc))
}

// @helper hex hexText imports=encoding/hex,strings
func hexText(data []byte, upper bool) []byte {
	text := hex.EncodeToString(data)
	if upper {
		text = strings.ToUpper(text)
	}
	return []byte(text)
}

// @helper base64 base64Text imports=encoding/base64
func base64Text(data []byte, urlSafe, padding bool) []byte {
	enc := base64.StdEncoding
	if urlSafe {
		enc = base64.URLEncoding
	}
	if !padding {
		enc = enc.WithPadding(base64.NoPadding)
	}
	return []byte(enc.EncodeToString(data))
}

// @helper from_base64 fromBase64 imports=encoding/base64,strings
// fromBase64 decodes base64 after an optional prefix; padding may be left out.
func fromBase64(text []byte, strip string, urlSafe bool) []byte {
	s := strings.TrimPrefix(string(text), strip)
	enc := base64.RawStdEncoding
	if urlSafe {
		enc = base64.RawURLEncoding
	}
	out, err := enc.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		fail("not base64: %v", err)
	}
	return out
}

// @helper from_hex fromHex imports=encoding/hex,strings
func fromHex(text []byte, strip string) []byte {
	out, err := hex.DecodeString(strings.TrimPrefix(string(text), strip))
	if err != nil {
		fail("not hex: %v", err)
	}
	return out
}

// @helper json_parse - imports=bytes,encoding/json,fmt,sort,strings,unicode/utf16
// jsonMember is one member of a JSON object; objects keep their members in order.
type jsonMember struct {
	name  string
	value interface{}
}

type jsonObject []jsonMember

// jsonParse reads JSON keeping members in order (a repeated name keeps its place and takes the
// last value) and numbers exactly as written.
func jsonParse(text []byte) interface{} {
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	var read func() interface{}
	read = func() interface{} {
		tok, err := dec.Token()
		if err != nil {
			fail("invalid JSON: %v", err)
		}
		switch t := tok.(type) {
		case json.Delim:
			if t == '[' {
				items := []interface{}{}
				for dec.More() {
					items = append(items, read())
				}
				dec.Token()
				return items
			}
			object := jsonObject{}
			at := map[string]int{}
			for dec.More() {
				nameTok, err := dec.Token()
				if err != nil {
					fail("invalid JSON: %v", err)
				}
				name := nameTok.(string)
				value := read()
				if i, seen := at[name]; seen {
					object[i].value = value
				} else {
					at[name] = len(object)
					object = append(object, jsonMember{name, value})
				}
			}
			dec.Token()
			return object
		}
		return tok
	}
	value := read()
	if _, err := dec.Token(); err == nil {
		fail("invalid JSON: text after the value")
	}
	return value
}

// jsonString writes a string as JSON does: quotes, backslashes and control characters escaped,
// and with asciiOnly every character outside printable ASCII as \uXXXX.
func jsonString(s string, asciiOnly bool) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r < 0x20 || (asciiOnly && r > 0x7e):
			for _, unit := range utf16.Encode([]rune{r}) {
				fmt.Fprintf(&b, `\u%04x`, unit)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// jsonWrite writes a parsed value back: keys sorted as asked, numbers as written.
func jsonWrite(v interface{}, order string, top bool, comma, colon string, asciiOnly bool) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case bool:
		if t {
			return "true"
		}
		return "false"
	case json.Number:
		return string(t)
	case string:
		return jsonString(t, asciiOnly)
	case []interface{}:
		items := make([]string, len(t))
		for i, item := range t {
			items[i] = jsonWrite(item, order, false, comma, colon, asciiOnly)
		}
		return "[" + strings.Join(items, comma) + "]"
	}
	members := append(jsonObject{}, v.(jsonObject)...)
	if order == "deep" || (order == "top" && top) {
		sort.SliceStable(members, func(i, j int) bool { return members[i].name < members[j].name })
	}
	items := make([]string, len(members))
	for i, m := range members {
		items[i] = jsonString(m.name, asciiOnly) + colon + jsonWrite(m.value, order, false, comma, colon, asciiOnly)
	}
	return "{" + strings.Join(items, comma) + "}"
}

// @helper json jsonCanonical needs=json_parse
// jsonCanonical re-serializes JSON: keys sorted as asked, numbers as written.
func jsonCanonical(text []byte, order string, spaced, escapeUnicode bool, skip string, omit []string) []byte {
	v := jsonParse(text)
	if object, ok := v.(jsonObject); ok {
		kept := jsonObject{}
		for _, m := range object {
			omitted := false
			for _, o := range omit {
				omitted = omitted || o == m.name
			}
			s, isString := m.value.(string)
			if omitted || (skip != "none" && m.value == nil) || (skip == "null-or-empty" && isString && s == "") {
				continue
			}
			kept = append(kept, m)
		}
		v = kept
	}
	comma, colon := ",", ":"
	if spaced {
		comma, colon = ", ", ": "
	}
	return []byte(jsonWrite(v, order, true, comma, colon, escapeUnicode))
}

// @helper percent_decode percentDecode imports=strconv
func percentDecode(data []byte, plusSpace bool) []byte {
	var out []byte
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c == '+' && plusSpace {
			out = append(out, ' ')
			continue
		}
		if c == '%' && i+2 < len(data) {
			if n, err := strconv.ParseUint(string(data[i+1:i+3]), 16, 8); err == nil {
				out = append(out, byte(n))
				i += 2
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// @helper percent_encode percentEncode imports=fmt
// percentEncode is RFC 3986 percent-encoding with upper-case hex; "form" writes a space as +.
func percentEncode(data []byte, keep string) []byte {
	var out []byte
	for _, c := range data {
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~', c == '/' && keep == "unreserved-and-slash":
			out = append(out, c)
		case c == ' ' && keep == "form":
			out = append(out, '+')
		default:
			out = append(out, []byte(fmt.Sprintf("%%%02X", c))...)
		}
	}
	return out
}

// @helper params_parse - needs=json_parse,percent_decode,pair imports=bytes
// paramsParse reads the name-value pairs of a=1&b=2 text or of a JSON object.
func paramsParse(text []byte, decode bool) []pair {
	var out []pair
	if bytes.HasPrefix(bytes.TrimLeft(text, " \t\n\r\f"), []byte("{")) {
		object, ok := jsonParse(text).(jsonObject)
		if !ok {
			fail("expected a JSON object of parameters")
		}
		for _, m := range object {
			var value []byte
			switch t := m.value.(type) {
			case string:
				value = []byte(t)
			case nil:
				value = []byte{}
			default:
				value = []byte(jsonWrite(t, "none", false, ",", ":", false))
			}
			if decode {
				value = percentDecode(value, true)
			}
			out = append(out, pair{m.name, value})
		}
		return out
	}
	for _, part := range bytes.Split(text, []byte("&")) {
		if len(part) == 0 {
			continue
		}
		name, value := part, []byte{}
		if i := bytes.IndexByte(part, '='); i >= 0 {
			name, value = part[:i], part[i+1:]
		}
		if decode {
			name, value = percentDecode(name, true), percentDecode(value, true)
		}
		out = append(out, pair{string(name), value})
	}
	return out
}

// @helper params paramsCanonical needs=params_parse,percent_encode imports=bytes,sort,strings
// paramsCanonical joins parameters as pair items: filtered, set, encoded and sorted as the trace did.
func paramsCanonical(inputs [][]byte, decode bool, omit []string, set []pair, keepRepeats bool, encode, order, pattern string, join []byte) []byte {
	var params []pair
	for _, text := range inputs {
		for _, p := range paramsParse(text, decode) {
			omitted := false
			for _, o := range omit {
				omitted = omitted || o == p.name
			}
			if !omitted {
				params = append(params, p)
			}
		}
	}
	for _, s := range set {
		if len(s.value) > 0 {
			kept := []pair{}
			for _, p := range params {
				if p.name != s.name {
					kept = append(kept, p)
				}
			}
			params = append(kept, s)
		}
	}
	if !keepRepeats {
		seen := map[string]bool{}
		kept := []pair{}
		for _, p := range params {
			if !seen[p.name] {
				seen[p.name] = true
				kept = append(kept, p)
			}
		}
		params = kept
	}
	if encode != "none" {
		keep := "unreserved"
		if encode == "form" {
			keep = "form"
		}
		for i, p := range params {
			params[i] = pair{string(percentEncode([]byte(p.name), keep)), percentEncode(p.value, keep)}
		}
	}
	switch order {
	case "name":
		sort.SliceStable(params, func(i, j int) bool { return params[i].name < params[j].name })
	case "name-value":
		sort.SliceStable(params, func(i, j int) bool {
			if params[i].name != params[j].name {
				return params[i].name < params[j].name
			}
			return bytes.Compare(params[i].value, params[j].value) < 0
		})
	}
	items := make([][]byte, len(params))
	for i, p := range params {
		var item []byte
		// {eq_value}: "=" and the value, or nothing for an empty value (OSS's `acl`).
		eq := ""
		if len(p.value) > 0 {
			eq = "={value}"
		}
		rest := strings.ReplaceAll(pattern, "{eq_value}", eq)
		for rest != "" {
			n, v := strings.Index(rest, "{name}"), strings.Index(rest, "{value}")
			switch {
			case n >= 0 && (v < 0 || n < v):
				item = append(append(item, rest[:n]...), p.name...)
				rest = rest[n+len("{name}"):]
			case v >= 0:
				item = append(append(item, rest[:v]...), p.value...)
				rest = rest[v+len("{value}"):]
			default:
				item = append(item, rest...)
				rest = ""
			}
		}
		items[i] = item
	}
	return bytes.Join(items, join)
}

// @helper param paramValue needs=params_parse
func paramValue(name string, text []byte, decode bool) []byte {
	for _, p := range paramsParse(text, decode) {
		if p.name == name {
			return p.value
		}
	}
	fail("no parameter %s", name)
	return nil
}

// @helper xml_params xmlParams needs=pair imports=bytes,encoding/xml,io,sort
// xmlParams writes the root's child elements of a flat XML document as name=value&…; no DTD is
// read (encoding/xml knows only the predefined entities).
func xmlParams(text []byte, order, skip string, omit []string) []byte {
	dec := xml.NewDecoder(bytes.NewReader(text))
	var names []string
	var values [][]byte
	depth, roots := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			fail("invalid XML: %v", err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			fail("a DOCTYPE is refused: no DTD or entity declarations are read")
		case xml.StartElement:
			depth++
			name := t.Name.Local
			if t.Name.Space != "" {
				name = t.Name.Space + ":" + name
			}
			switch {
			case depth == 1:
				roots++
				if roots > 1 {
					fail("invalid XML: a second root element <%s>", name)
				}
			case depth == 2:
				for _, n := range names {
					if n == name {
						fail("invalid XML: <%s> appears twice: which one is signed is not defined", name)
					}
				}
				names = append(names, name)
				values = append(values, []byte{})
			default:
				fail("invalid XML: <%s> holds an element <%s>: only a flat document is read", names[len(names)-1], name)
			}
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 2 {
				values[len(values)-1] = append(values[len(values)-1], t...)
			} else if len(bytes.Trim(t, " \t\r\n")) > 0 {
				fail("invalid XML: text outside the root's child elements")
			}
		}
	}
	if roots == 0 {
		fail("invalid XML: no root element")
	}
	var kept []pair
	for i, name := range names {
		omitted := false
		for _, o := range omit {
			omitted = omitted || o == name
		}
		if !omitted && !(skip == "empty" && len(values[i]) == 0) {
			kept = append(kept, pair{name, values[i]})
		}
	}
	if order == "name" {
		sort.SliceStable(kept, func(i, j int) bool { return kept[i].name < kept[j].name })
	}
	var out []byte
	for i, p := range kept {
		if i > 0 {
			out = append(out, '&')
		}
		out = append(append(append(out, p.name...), '='), p.value...)
	}
	return out
}

// @helper url urlPart imports=strings
// urlPart returns a part of a URL, verbatim (no normalization).
func urlPart(url []byte, part string) []byte {
	u := string(url)
	origin, rest := "", u
	at := strings.Index(u, "://")
	if at >= 0 {
		end := at + 3
		for end < len(u) && !strings.ContainsRune("/?#", rune(u[end])) {
			end++
		}
		origin, rest = u[:end], u[end:]
	}
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	path, query := rest, ""
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		path, query = rest[:i], rest[i+1:]
	}
	switch part {
	case "full":
		return url
	case "path":
		return []byte(path)
	case "query":
		return []byte(query)
	case "search":
		if query == "" {
			return []byte{}
		}
		return []byte("?" + query)
	case "path-and-query":
		return []byte(rest)
	case "without-query":
		return []byte(origin + path)
	case "origin":
		return []byte(origin)
	}
	if at >= 0 {
		return []byte(origin[at+3:])
	}
	return []byte(origin)
}

// @helper lower lower
// lower maps ASCII letters to lower case.
func lower(data []byte) []byte {
	out := make([]byte, len(data))
	for i, c := range data {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

// @helper upper upper
// upper maps ASCII letters to upper case.
func upper(data []byte) []byte {
	out := make([]byte, len(data))
	for i, c := range data {
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

// @helper check check imports=bytes
// check gives nothing when the claimed value equals the computed one, else the mark.
func check(claimed, computed, differs []byte) []byte {
	if bytes.Equal(claimed, computed) {
		return []byte{}
	}
	return differs
}

// @helper trim trim imports=bytes
func trim(data []byte) []byte {
	return bytes.Trim(data, " \t\n\r\f")
}

// @helper slice sliceBytes
// sliceBytes returns bytes start..end (end -1: to the end), clamped to the data.
func sliceBytes(data []byte, start, end int) []byte {
	if end < 0 || end > len(data) {
		end = len(data)
	}
	if start > end {
		start = end
	}
	return data[start:end]
}

// @helper normalize_path normalizePath imports=strings
// normalizePath resolves ".", ".." and empty segments.
func normalizePath(path []byte) []byte {
	p := string(path)
	kept := []string{}
	for _, segment := range strings.Split(p, "/") {
		switch segment {
		case "", ".":
		case "..":
			if len(kept) > 0 {
				kept = kept[:len(kept)-1]
			}
		default:
			kept = append(kept, segment)
		}
	}
	out := "/" + strings.Join(kept, "/")
	if len(kept) > 0 && (strings.HasSuffix(p, "/") || strings.HasSuffix(p, "/.") || strings.HasSuffix(p, "/..")) {
		out += "/"
	}
	return []byte(out)
}

// @helper headers headerLines needs=pair,percent_encode imports=bytes,regexp,sort,strings
// headerLines writes the chosen headers, each by pair, joined by join (and ended by it when
// trailing): selected, merged, encoded and sorted as the trace did.
func headerLines(lines []byte, set []pair, names []byte, separator string, prefixes, exclude []string, missing, empty, nameCase, encode, order string, squeeze bool, pattern string, join []byte, trailing bool) []byte {
	type header struct{ key, name, value string }
	var headers []header
	for _, line := range strings.Split(string(lines), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			headers[len(headers)-1].value += " " + strings.Trim(line, " \t\n\r\f")
			continue
		}
		colon := strings.IndexByte(line, ':')
		if colon < 0 {
			fail("not a header line: %q", line)
		}
		headers = append(headers, header{"", line[:colon], strings.Trim(line[colon+1:], " \t\n\r\f")})
	}
	for _, s := range set {
		if len(s.value) > 0 {
			kept := []header{}
			for _, h := range headers {
				if !strings.EqualFold(h.name, s.name) {
					kept = append(kept, h)
				}
			}
			headers = append(kept, header{"", s.name, string(s.value)})
		}
	}
	index := func(list []string, name string) int {
		for i, l := range list {
			if strings.EqualFold(l, name) {
				return i
			}
		}
		return -1
	}
	var wanted []string
	for _, n := range strings.Split(string(names), separator) {
		if n = strings.ToLower(strings.TrimSpace(n)); n != "" && index(wanted, n) < 0 {
			wanted = append(wanted, n)
		}
	}
	spaces := regexp.MustCompile(`[ \t]+`)
	var merged []header
	for _, h := range headers {
		key := strings.ToLower(h.name)
		chosen := len(wanted) == 0 && len(prefixes) == 0
		for _, p := range prefixes {
			chosen = chosen || strings.HasPrefix(key, strings.ToLower(p))
		}
		chosen = index(wanted, key) >= 0 || (chosen && index(exclude, key) < 0)
		value := strings.Trim(h.value, " \t\n\r\f")
		if squeeze {
			value = spaces.ReplaceAllString(value, " ")
		}
		if !chosen || (empty == "drop" && value == "") {
			continue
		}
		found := false
		for i := range merged {
			if merged[i].key == key {
				merged[i].value += "," + value
				found = true
			}
		}
		if !found {
			merged = append(merged, header{key, h.name, value})
		}
	}
	if missing == "error" {
		for _, w := range wanted {
			present := false
			for _, m := range merged {
				present = present || m.key == w
			}
			if !present {
				fail("the signed header %s is not among the request's headers", w)
			}
		}
	}
	if order == "none" {
		rank := func(key string) int {
			if i := index(wanted, key); i >= 0 {
				return i
			}
			return len(wanted)
		}
		sort.SliceStable(merged, func(i, j int) bool { return rank(merged[i].key) < rank(merged[j].key) })
	}
	out := make([]pair, len(merged))
	for i, m := range merged {
		name := m.key
		if nameCase != "lower" {
			name = m.name
		}
		out[i] = pair{name, []byte(m.value)}
		if encode == "rfc3986" {
			out[i] = pair{string(percentEncode([]byte(name), "unreserved")), percentEncode([]byte(m.value), "unreserved")}
		}
	}
	written := func(p pair) []byte {
		var item []byte
		rest := pattern
		for rest != "" {
			n, v := strings.Index(rest, "{name}"), strings.Index(rest, "{value}")
			switch {
			case n >= 0 && (v < 0 || n < v):
				item = append(append(item, rest[:n]...), p.name...)
				rest = rest[n+len("{name}"):]
			case v >= 0:
				item = append(append(item, rest[:v]...), p.value...)
				rest = rest[v+len("{value}"):]
			default:
				item = append(item, rest...)
				rest = ""
			}
		}
		return item
	}
	switch order {
	case "name":
		sort.SliceStable(out, func(i, j int) bool { return out[i].name < out[j].name })
	case "line":
		sort.SliceStable(out, func(i, j int) bool { return bytes.Compare(written(out[i]), written(out[j])) < 0 })
	}
	items := make([][]byte, len(out))
	for i, p := range out {
		items[i] = written(p)
	}
	text := bytes.Join(items, join)
	if trailing && len(out) > 0 {
		text = append(text, join...)
	}
	return text
}

// @helper utc_date utcDate imports=strconv,strings,time
// utcDate returns the UTC calendar date of a time in unix seconds.
func utcDate(seconds []byte, dashes bool) []byte {
	n, err := strconv.ParseInt(strings.TrimSpace(string(seconds)), 10, 64)
	if err != nil {
		fail("not a time in unix seconds: %q", seconds)
	}
	layout := "20060102"
	if dashes {
		layout = "2006-01-02"
	}
	return []byte(time.Unix(n, 0).UTC().Format(layout))
}

// @helper json_string jsonQuote imports=fmt,unicode/utf8
// jsonQuote writes UTF-8 text as a JSON string literal, as JavaScript's JSON.stringify does.
func jsonQuote(data []byte) []byte {
	if !utf8.Valid(data) {
		fail("json_string: the text is not UTF-8")
	}
	out := []byte{'"'}
	for _, c := range data {
		switch {
		case c == '"' || c == '\\':
			out = append(out, '\\', c)
		case c == '\b':
			out = append(out, '\\', 'b')
		case c == '\f':
			out = append(out, '\\', 'f')
		case c == '\n':
			out = append(out, '\\', 'n')
		case c == '\r':
			out = append(out, '\\', 'r')
		case c == '\t':
			out = append(out, '\\', 't')
		case c < 0x20:
			out = append(out, fmt.Sprintf("\\u%04x", c)...)
		default:
			out = append(out, c)
		}
	}
	return append(out, '"')
}

// @helper ensure_suffix ensureSuffix imports=bytes
func ensureSuffix(data, suffix []byte) []byte {
	if bytes.HasSuffix(data, suffix) {
		return data
	}
	return cat(data, suffix)
}

// @helper switch switchValue needs=lower imports=bytes
// switchValue returns the result of the key the value equals (ASCII case ignored when asked), else
// otherwise.
func switchValue(value []byte, keys, results [][]byte, otherwise []byte, ignoreCase bool) []byte {
	for i, key := range keys {
		if bytes.Equal(value, key) || ignoreCase && bytes.Equal(lower(value), lower(key)) {
			return results[i]
		}
	}
	return otherwise
}

// @helper request_headers - needs=pair imports=strings
// reqHeader is a request header: its name and value.
type reqHeader struct{ name, value string }

// requestHeaders returns the request's headers: values trimmed, folded lines joined, set applied.
func requestHeaders(lines []byte, set []pair) []reqHeader {
	var headers []reqHeader
	for _, line := range strings.Split(string(lines), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			headers[len(headers)-1].value += " " + strings.Trim(line, " \t\n\r\f")
			continue
		}
		colon := strings.IndexByte(line, ':')
		if colon < 0 {
			fail("not a header line: %q", line)
		}
		headers = append(headers, reqHeader{line[:colon], strings.Trim(line[colon+1:], " \t\n\r\f")})
	}
	for _, p := range set {
		if len(p.value) > 0 {
			kept := headers[:0]
			for _, h := range headers {
				if !strings.EqualFold(h.name, p.name) {
					kept = append(kept, h)
				}
			}
			headers = append(kept, reqHeader{p.name, string(p.value)})
		}
	}
	return headers
}

// headerValues returns the values of a header (any case), in their order.
func headerValues(headers []reqHeader, name string) []string {
	var out []string
	for _, h := range headers {
		if strings.EqualFold(h.name, name) {
			out = append(out, h.value)
		}
	}
	return out
}

// @helper cavage_string cavageString needs=request_headers,url imports=strings
// cavageString is draft-cavage-http-signatures' signing string: one "name: value" line per listed
// name, in the list's order.
func cavageString(names, method, url, lines []byte, set []pair, created, expires []byte) []byte {
	headers := requestHeaders(lines, set)
	var out []string
	for _, name := range strings.Fields(strings.ToLower(string(names))) {
		var value string
		switch {
		case name == "(request-target)":
			rest := string(urlPart(url, "path-and-query"))
			if !strings.HasPrefix(rest, "/") {
				rest = "/" + rest
			}
			value = strings.ToLower(string(method)) + " " + rest
		case name == "(created)" || name == "(expires)":
			v := created
			if name == "(expires)" {
				v = expires
			}
			value = strings.TrimSpace(string(v))
			if value == "" {
				fail("%s is listed, but the signature has no such parameter", name)
			}
		case strings.HasPrefix(name, "("):
			fail("%s is not a pseudo-header of the draft", name)
		default:
			values := headerValues(headers, name)
			if len(values) == 0 {
				fail("%s is listed, but the request has no such header", name)
			}
			value = strings.Join(values, ", ")
		}
		out = append(out, name+": "+value)
	}
	return []byte(strings.Join(out, "\n"))
}

// @helper signature_base signatureBase needs=request_headers,url,percent_decode imports=encoding/base64,fmt,regexp,strings
// sfValue is a Structured Field bare item: its kind and its text (or bytes).
type sfValue struct {
	kind  string
	text  string
	bytes []byte
}

// sfParam is a parameter of a Structured Field item or inner list.
type sfParam struct {
	key   string
	value sfValue
}

// sfMember is an item of an inner list, with its parameters.
type sfMember struct {
	value  sfValue
	params []sfParam
}

var sfBareItem = regexp.MustCompile(`^(-?[0-9]+(\.[0-9]+)?|[A-Za-z*][A-Za-z0-9!#$%&'*+\-.^_` + "`" + `|~:/]*)`)
var sfKey = regexp.MustCompile(`^[a-z*][a-z0-9_\-.*]*`)

// sfInnerList parses an RFC 8941 inner list with parameters.
func sfInnerList(text []byte) ([]sfMember, []sfParam) {
	s := strings.TrimSpace(string(text))
	at := 0
	peek := func() byte {
		if at < len(s) {
			return s[at]
		}
		return 0
	}
	bare := func() sfValue {
		c := peek()
		switch {
		case c == '"':
			var out strings.Builder
			at++
			for {
				if at >= len(s) {
					fail("an unterminated string")
				}
				d := s[at]
				at++
				if d == '\\' {
					out.WriteByte(s[at])
					at++
				} else if d == '"' {
					return sfValue{kind: "string", text: out.String()}
				} else {
					out.WriteByte(d)
				}
			}
		case c == ':':
			end := strings.IndexByte(s[at+1:], ':') + at + 1
			b, err := base64.StdEncoding.DecodeString(s[at+1 : end])
			if err != nil {
				fail("a Byte Sequence that is not base64: %v", err)
			}
			at = end + 1
			return sfValue{kind: "bytes", bytes: b}
		case c == '?':
			at += 2
			return sfValue{kind: "bool", text: s[at-1 : at]}
		}
		m := sfBareItem.FindStringSubmatch(s[at:])
		if m == nil {
			fail("not a Structured Field item at %q", s[at:])
		}
		at += len(m[0])
		kind := "integer"
		if (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '*' {
			kind = "token"
		} else if m[2] != "" {
			kind = "decimal"
		}
		return sfValue{kind: kind, text: m[0]}
	}
	params := func() []sfParam {
		var out []sfParam
		for peek() == ';' {
			at++
			for peek() == ' ' {
				at++
			}
			key := sfKey.FindString(s[at:])
			if key == "" {
				fail("not a parameter key at %q", s[at:])
			}
			at += len(key)
			value := sfValue{kind: "bool", text: "1"}
			if peek() == '=' {
				at++
				value = bare()
			}
			out = append(out, sfParam{key, value})
		}
		return out
	}
	if peek() != '(' {
		fail("not an inner list: (\"…\" …);created=…")
	}
	at++
	var items []sfMember
	for {
		for peek() == ' ' {
			at++
		}
		if peek() == ')' {
			at++
			break
		}
		value := bare()
		items = append(items, sfMember{value, params()})
		if peek() != ' ' && peek() != ')' {
			fail("an inner list's items are separated by spaces, at %q", s[at:])
		}
	}
	listParams := params()
	if at != len(s) {
		fail("text after the inner list: %q", s[at:])
	}
	return items, listParams
}

func sfBare(v sfValue) string {
	switch v.kind {
	case "string":
		return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v.text) + `"`
	case "bytes":
		return ":" + base64.StdEncoding.EncodeToString(v.bytes) + ":"
	case "bool":
		return "?" + v.text
	case "decimal":
		parts := strings.SplitN(v.text, ".", 2)
		frac := strings.TrimRight(parts[1], "0")
		if frac == "" {
			frac = "0"
		}
		return parts[0] + "." + frac
	}
	return v.text
}

func sfItem(v sfValue, params []sfParam) string {
	out := sfBare(v)
	for _, p := range params {
		out += ";" + p.key
		if !(p.value.kind == "bool" && p.value.text == "1") {
			out += "=" + sfBare(p.value)
		}
	}
	return out
}

// formEncode is WHATWG URL's form encoding, a space as %20 (RFC 9421 2.2.8).
func formEncode(data []byte) string {
	var out strings.Builder
	for _, b := range data {
		if (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || strings.IndexByte("*-._", b) >= 0 {
			out.WriteByte(b)
		} else {
			fmt.Fprintf(&out, "%%%02X", b)
		}
	}
	return out.String()
}

// signatureBase is RFC 9421's signature base of the components a Signature-Input member lists.
func signatureBase(params, method, url, lines []byte, set []pair) []byte {
	headers := requestHeaders(lines, set)
	items, listParams := sfInnerList(params)
	u := string(url)
	path := string(urlPart(url, "path"))
	if path == "" {
		path = "/"
	}
	query := string(urlPart(url, "query"))
	scheme := ""
	if i := strings.Index(u, "://"); i >= 0 {
		scheme = strings.ToLower(u[:i])
	}
	var out strings.Builder
	var shownItems []string
	for _, item := range items {
		shown := sfItem(item.value, item.params)
		shownItems = append(shownItems, shown)
		keys := map[string]sfValue{}
		for _, p := range item.params {
			keys[p.key] = p.value
		}
		if item.value.kind != "string" {
			fail("the covered component %s is not a String", shown)
		}
		_, req := keys["req"]
		_, tr := keys["tr"]
		if req || tr {
			fail("the covered component %s: req and tr do not apply to a request", shown)
		}
		name := item.value.text
		var value string
		switch name {
		case "@method":
			value = string(method)
		case "@target-uri":
			value = strings.SplitN(u, "#", 2)[0]
		case "@authority":
			host := strings.ToLower(string(urlPart(url, "host")))
			if i := strings.LastIndexByte(host, '@'); i >= 0 {
				host = host[i+1:]
			}
			port := map[string]string{"https": ":443", "wss": ":443", "http": ":80", "ws": ":80"}[scheme]
			if port != "" {
				host = strings.TrimSuffix(host, port)
			}
			value = host
		case "@scheme":
			value = scheme
		case "@request-target":
			value = path
			if strings.Contains(string(urlPart(url, "path-and-query")), "?") {
				value += "?" + query
			}
		case "@path":
			value = path
		case "@query":
			value = "?" + query
		case "@query-param":
			var found []string
			for _, p := range strings.Split(query, "&") {
				if p == "" {
					continue
				}
				k, v, _ := strings.Cut(p, "=")
				if formEncode(percentDecode([]byte(k), true)) == keys["name"].text {
					found = append(found, formEncode(percentDecode([]byte(v), true)))
				}
			}
			if len(found) != 1 {
				fail("the covered component %s: the query has it %d times", shown, len(found))
			}
			value = found[0]
		default:
			if strings.HasPrefix(name, "@") {
				fail("the covered component %s is not one this snippet derives", shown)
			}
			values := headerValues(headers, name)
			if len(values) == 0 {
				fail("the covered component %s: the request has no such header", shown)
			}
			_, bs := keys["bs"]
			_, sf := keys["sf"]
			_, key := keys["key"]
			switch {
			case bs:
				for i, v := range values {
					values[i] = ":" + base64.StdEncoding.EncodeToString([]byte(v)) + ":"
				}
			case sf || key:
				fail("%s: this snippet does not re-serialize Structured Fields (sigscope does)", shown)
			}
			value = strings.Join(values, ", ")
		}
		out.WriteString(shown + ": " + value + "\n")
	}
	out.WriteString(`"@signature-params": (` + strings.Join(shownItems, " ") + ")" + sfItem(sfValue{kind: "token"}, listParams))
	return []byte(out.String())
}
// @unsupported php_serialize public-key snippets are written for Python, JavaScript, Go and Java, and PHP's serialize() form (only Paddle Classic, an RSA scheme, uses it) for Python alone

// @helper pk_key - imports=crypto/ecdsa,crypto/ed25519,crypto/elliptic,crypto/rsa,crypto/x509,encoding/base64,encoding/hex,encoding/json,encoding/pem,math/big,regexp,strings
// pkKey reads a key as users have it: PEM (public, private, certificate), DER, a JWK or JWKS
// (the key whose kid the JWT header names), or an Ed25519 key as 32 bytes in hex or base64.
func pkKey(text, kidFrom []byte) interface{} {
	t := strings.TrimSpace(string(text))
	if strings.HasPrefix(t, "-----BEGIN") {
		block, _ := pem.Decode([]byte(t))
		if block == nil {
			fail("the key's PEM does not read")
		}
		var key interface{}
		var err error
		switch block.Type {
		case "CERTIFICATE":
			var cert *x509.Certificate
			cert, err = x509.ParseCertificate(block.Bytes)
			if err == nil {
				key = cert.PublicKey
			}
		case "PUBLIC KEY":
			key, err = x509.ParsePKIXPublicKey(block.Bytes)
		case "RSA PUBLIC KEY":
			key, err = x509.ParsePKCS1PublicKey(block.Bytes)
		case "RSA PRIVATE KEY":
			key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
		case "EC PRIVATE KEY":
			key, err = x509.ParseECPrivateKey(block.Bytes)
		default:
			key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
		}
		if err != nil {
			fail("the key: %v", err)
		}
		return key
	}
	if strings.HasPrefix(t, "{") {
		var doc map[string]interface{}
		if err := json.Unmarshal([]byte(t), &doc); err != nil {
			fail("the key's JSON: %v", err)
		}
		if keys, ok := doc["keys"].([]interface{}); ok {
			kid, from := "", strings.TrimSpace(string(kidFrom))
			if strings.HasPrefix(from, "{") {
				var header map[string]interface{}
				json.Unmarshal([]byte(from), &header)
				kid, _ = header["kid"].(string)
			} else {
				kid = from
			}
			var found []map[string]interface{}
			for _, k := range keys {
				m, _ := k.(map[string]interface{})
				if id, _ := m["kid"].(string); kid == "" || id == kid {
					found = append(found, m)
				}
			}
			if len(found) != 1 {
				fail("the JWKS has no single key for kid %q", kid)
			}
			doc = found[0]
		}
		raw := func(name string) []byte {
			s, _ := doc[name].(string)
			b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
			if err != nil {
				fail("the JWK's %s: %v", name, err)
			}
			return b
		}
		num := func(name string) *big.Int { return new(big.Int).SetBytes(raw(name)) }
		_, private := doc["d"]
		switch doc["kty"] {
		case "OKP":
			if private {
				return ed25519.NewKeyFromSeed(raw("d"))
			}
			return ed25519.PublicKey(raw("x"))
		case "EC":
			curve := elliptic.P256()
			if doc["crv"] == "P-384" {
				curve = elliptic.P384()
			}
			if private {
				d := num("d")
				x, y := curve.ScalarBaseMult(d.Bytes())
				return &ecdsa.PrivateKey{PublicKey: ecdsa.PublicKey{Curve: curve, X: x, Y: y}, D: d}
			}
			return &ecdsa.PublicKey{Curve: curve, X: num("x"), Y: num("y")}
		}
		public := rsa.PublicKey{N: num("n"), E: int(num("e").Int64())}
		if private {
			key := &rsa.PrivateKey{PublicKey: public, D: num("d"), Primes: []*big.Int{num("p"), num("q")}}
			key.Precompute()
			return key
		}
		return &public
	}
	der := text
	if regexp.MustCompile(`^([0-9a-fA-F]{2})+$`).MatchString(t) {
		der, _ = hex.DecodeString(t)
	} else if regexp.MustCompile(`^[A-Za-z0-9+/_=-]+$`).MatchString(t) {
		der, _ = base64.RawStdEncoding.DecodeString(strings.TrimRight(strings.NewReplacer("-", "+", "_", "/").Replace(t), "="))
	}
	if len(der) == 32 {
		return ed25519.PublicKey(der)
	}
	if key, err := x509.ParsePKIXPublicKey(der); err == nil {
		return key
	}
	if key, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		return key
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		fail("the key is not PEM, DER, a JWK or 32 bytes of an Ed25519 key")
	}
	return cert.PublicKey
}

// pkStage gives the signature received (SIGSCOPE_SIGNATURE) when it verifies, `(not verified)`
// when it does not; without one, a signature made with the private key.
func pkStage(key interface{}, encoding string, verify func(pub interface{}, sig []byte) bool, sign func(priv interface{}) []byte) []byte {
	public, private := key, true
	switch k := key.(type) {
	case ed25519.PrivateKey:
		public = k.Public()
	case *ecdsa.PrivateKey:
		public = &k.PublicKey
	case *rsa.PrivateKey:
		public = &k.PublicKey
	default:
		private = false
	}
	if received, ok := os.LookupEnv("SIGSCOPE_SIGNATURE"); ok {
		received = strings.TrimSpace(received)
		var sig []byte
		var err error
		if encoding == "hex" {
			sig, err = hex.DecodeString(received)
		} else {
			sig, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(strings.NewReplacer("-", "+", "_", "/").Replace(received), "="))
		}
		if err == nil && verify(public, sig) {
			return []byte(received)
		}
		return []byte("(not verified)")
	}
	if !private {
		fail("a public key cannot sign: set SIGSCOPE_SIGNATURE to the signature to verify it")
	}
	sig := sign(key)
	switch encoding {
	case "hex":
		return []byte(hex.EncodeToString(sig))
	case "base64url":
		return []byte(base64.RawURLEncoding.EncodeToString(sig))
	}
	return []byte(base64.StdEncoding.EncodeToString(sig))
}

// @helper ed25519 ed25519Signature needs=pk_key
func ed25519Signature(message, key []byte, encoding string, kidFrom []byte) []byte {
	return pkStage(pkKey(key, kidFrom), encoding,
		func(pub interface{}, sig []byte) bool {
			p, ok := pub.(ed25519.PublicKey)
			return ok && len(sig) == ed25519.SignatureSize && ed25519.Verify(p, message, sig)
		},
		func(priv interface{}) []byte { return ed25519.Sign(priv.(ed25519.PrivateKey), message) })
}

// @helper ecdsa ecdsaSignature needs=pk_key,hash_for imports=crypto/rand
func ecdsaSignature(hashName string, message, key []byte, encoding string, raw bool, kidFrom []byte) []byte {
	h := hashFor(hashName)()
	h.Write(message)
	digest := h.Sum(nil)
	return pkStage(pkKey(key, kidFrom), encoding,
		func(pub interface{}, sig []byte) bool {
			p, ok := pub.(*ecdsa.PublicKey)
			if !ok {
				return false
			}
			size := (p.Curve.Params().BitSize + 7) / 8
			if len(sig) == 2*size {
				r, s := new(big.Int).SetBytes(sig[:size]), new(big.Int).SetBytes(sig[size:])
				return ecdsa.Verify(p, digest, r, s)
			}
			return ecdsa.VerifyASN1(p, digest, sig)
		},
		func(priv interface{}) []byte {
			k := priv.(*ecdsa.PrivateKey)
			if !raw {
				sig, err := ecdsa.SignASN1(rand.Reader, k, digest)
				if err != nil {
					fail("signing: %v", err)
				}
				return sig
			}
			r, s, err := ecdsa.Sign(rand.Reader, k, digest)
			if err != nil {
				fail("signing: %v", err)
			}
			size := (k.Curve.Params().BitSize + 7) / 8
			return append(r.FillBytes(make([]byte, size)), s.FillBytes(make([]byte, size))...)
		})
}

// @helper rsa rsaSignature needs=pk_key,hash_for imports=crypto,crypto/rand
func rsaSignature(hashName string, message, key []byte, pss bool, encoding string, kidFrom []byte) []byte {
	ch := map[string]crypto.Hash{"sha1": crypto.SHA1, "sha256": crypto.SHA256, "sha384": crypto.SHA384, "sha512": crypto.SHA512}[hashName]
	h := hashFor(hashName)()
	h.Write(message)
	digest := h.Sum(nil)
	options := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}
	return pkStage(pkKey(key, kidFrom), encoding,
		func(pub interface{}, sig []byte) bool {
			p, ok := pub.(*rsa.PublicKey)
			if !ok {
				return false
			}
			if pss {
				return rsa.VerifyPSS(p, ch, digest, sig, options) == nil
			}
			return rsa.VerifyPKCS1v15(p, ch, digest, sig) == nil
		},
		func(priv interface{}) []byte {
			var sig []byte
			var err error
			if pss {
				sig, err = rsa.SignPSS(rand.Reader, priv.(*rsa.PrivateKey), ch, digest, options)
			} else {
				sig, err = rsa.SignPKCS1v15(nil, priv.(*rsa.PrivateKey), ch, digest)
			}
			if err != nil {
				fail("signing: %v", err)
			}
			return sig
		})
}
