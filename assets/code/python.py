# Helpers for sigscope's Python export: one section per recipe primitive, cut at the marker lines.
# Only the sections a recipe uses (and what they need) go into a snippet.

# @helper main - imports=os,sys
def show(name, value):
    """Prints a stage's bytes as they are."""
    sys.stdout.buffer.write(name.encode() + b": " + value + b"\n")


def show_hex(name, value):
    """Prints raw MAC or hash bytes as hex."""
    sys.stdout.buffer.write(f"{name} (hex): {value.hex()}\n".encode())


def show_secret(name):
    """Names a stage made from a secret without printing it."""
    sys.stdout.buffer.write(f"{name}: (secret, not shown)\n".encode())


def secret(variable):
    """A secret's bytes from the environment."""
    value = os.environb.get(variable.encode())
    if value is None:
        sys.exit(f"set the environment variable {variable} to the secret")
    return value


def read_body():
    """The body: the file named by the first argument, or standard input."""
    if len(sys.argv) > 1:
        with open(sys.argv[1], "rb") as f:
            return f.read()
    return sys.stdin.buffer.read()

# @helper hmac hmac_digest imports=hmac
def hmac_digest(alg, key, message):
    return hmac.new(key, message, alg).digest()

# @helper hash hash_digest imports=hashlib
def hash_digest(alg, message):
    return hashlib.new(alg, message).digest()

# @helper crc32 crc32_text imports=zlib
def crc32_text(data, hex):
    crc = zlib.crc32(data)
    return (f"{crc:08x}" if hex else str(crc)).encode()

# @helper hex hex_text
def hex_text(data, upper):
    text = data.hex()
    return (text.upper() if upper else text).encode()

# @helper base64 base64_text imports=base64
def base64_text(data, url_safe, padding):
    text = base64.urlsafe_b64encode(data) if url_safe else base64.b64encode(data)
    return text if padding else text.rstrip(b"=")

# @helper from_base64 from_base64 imports=base64
def from_base64(text, strip, url_safe):
    """Decodes base64 after an optional prefix; padding may be left out."""
    if strip and text.startswith(strip.encode()):
        text = text[len(strip):]
    text += b"=" * (-len(text) % 4)
    return base64.b64decode(text, altchars=b"-_" if url_safe else None, validate=True)

# @helper from_hex from_hex
def from_hex(text, strip):
    if strip and text.startswith(strip.encode()):
        text = text[len(strip):]
    return bytes.fromhex(text.decode("ascii"))

# @helper json_parse - imports=json
class JsonNumber(str):
    """A JSON number, kept exactly as written."""


class JsonObject(list):
    """A JSON object's members in order; a repeated name keeps its place and takes the last value."""


def json_members(pairs):
    members = JsonObject()
    at = {}
    for name, value in pairs:
        if name in at:
            members[at[name]] = (name, value)
        else:
            at[name] = len(members)
            members.append((name, value))
    return members


def json_reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def json_parse(text):
    return json.loads(
        text.decode("utf-8"),
        object_pairs_hook=json_members,
        parse_int=JsonNumber,
        parse_float=JsonNumber,
        parse_constant=json_reject_constant,
    )


def json_write(value, sort, top, comma, colon, ascii_only):
    if isinstance(value, JsonObject):
        members = value
        if sort == "deep" or (sort == "top" and top):
            members = sorted(value, key=lambda m: m[0].encode())
        inner = comma.join(
            json.dumps(k, ensure_ascii=ascii_only)
            + colon
            + json_write(v, sort, False, comma, colon, ascii_only)
            for k, v in members
        )
        return "{" + inner + "}"
    if isinstance(value, list):
        items = (json_write(v, sort, False, comma, colon, ascii_only) for v in value)
        return "[" + comma.join(items) + "]"
    if isinstance(value, JsonNumber):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=ascii_only)
    return {True: "true", False: "false", None: "null"}[value]

# @helper json json_canonical needs=json_parse
def json_canonical(text, sort, spaced, escape_unicode, skip, omit):
    """Re-serializes JSON: keys sorted as asked, numbers as written."""
    value = json_parse(text)
    if isinstance(value, JsonObject):
        value = JsonObject(
            (k, v)
            for k, v in value
            if k not in omit
            and not (skip != "none" and v is None)
            and not (skip == "null-or-empty" and isinstance(v, str) and v == "")
        )
    comma, colon = (", ", ": ") if spaced else (",", ":")
    return json_write(value, sort, True, comma, colon, escape_unicode).encode()

# @helper percent_decode percent_decode imports=urllib.parse
def percent_decode(data, plus_space):
    if plus_space:
        data = data.replace(b"+", b" ")
    return urllib.parse.unquote_to_bytes(data)

# @helper percent_encode percent_encode imports=urllib.parse
def percent_encode(data, keep):
    """RFC 3986 percent-encoding, upper-case hex; `form` writes a space as +."""
    if keep == "form":
        return urllib.parse.quote_plus(data, safe="-._~").encode()
    safe = "-._~/" if keep == "unreserved-and-slash" else "-._~"
    return urllib.parse.quote_from_bytes(data, safe=safe).encode()

# @helper params_parse - needs=json_parse,percent_decode
def params_parse(text, decode):
    """Name-value pairs of `a=1&b=2` text or of a JSON object."""
    if text.lstrip(b" \t\n\r\x0c").startswith(b"{"):
        members = json_parse(text)
        if not isinstance(members, JsonObject):
            raise ValueError("expected a JSON object of parameters")
        pairs = []
        for name, value in members:
            if isinstance(value, str) and not isinstance(value, JsonNumber):
                value = value.encode()
            elif value is None:
                value = b""
            else:
                value = json_write(value, "none", False, ",", ":", False).encode()
            pairs.append((name.encode(), percent_decode(value, True) if decode else value))
        return pairs
    pairs = []
    for part in text.split(b"&"):
        if part:
            name, _, value = part.partition(b"=")
            if decode:
                name, value = percent_decode(name, True), percent_decode(value, True)
            pairs.append((name, value))
    return pairs

# @helper params params_canonical needs=params_parse,percent_encode imports=re
def params_canonical(inputs, decode, omit, set_, keep_repeats, encode, sort, pair, join):
    """Parameters joined as `pair` items: filtered, set, encoded and sorted as the trace did."""
    params = [p for text in inputs for p in params_parse(text, decode)]
    params = [(k, v) for k, v in params if k.decode("latin-1") not in omit]
    for name, value in set_:
        if value:
            params = [(k, v) for k, v in params if k != name.encode()]
            params.append((name.encode(), value))
    if not keep_repeats:
        seen = set()
        params = [(k, v) for k, v in params if not (k in seen or seen.add(k))]
    if encode != "none":
        keep = "form" if encode == "form" else "unreserved"
        params = [(percent_encode(k, keep), percent_encode(v, keep)) for k, v in params]
    if sort == "name":
        params.sort(key=lambda p: p[0])
    elif sort == "name-value":
        params.sort()
    items = []
    for k, v in params:
        # {eq_value}: "=" and the value, or nothing for an empty value (OSS's `acl`).
        pieces = re.split(r"(\{name\}|\{value\})", pair.replace("{eq_value}", "={value}" if v else ""))
        item = b""
        for piece in pieces:
            item += k if piece == "{name}" else v if piece == "{value}" else piece.encode()
        items.append(item)
    return join.join(items)

# @helper param param_value needs=params_parse
def param_value(name, text, decode):
    for k, v in params_parse(text, decode):
        if k == name.encode():
            return v
    raise ValueError(f"no parameter {name}")

# @helper xml_params xml_params imports=xml.parsers.expat
def xml_params(text, sort, skip, omit):
    """The root's child elements of a flat XML document as name=value&…; no DTD is read."""
    parser = xml.parsers.expat.ParserCreate("UTF-8")
    elements = []
    depth = 0

    def refuse_doctype(*_):
        raise ValueError("a DOCTYPE is refused: no DTD or entity declarations are read")

    def start(name, _attributes):
        nonlocal depth
        depth += 1
        if depth == 2:
            if any(n == name for n, _ in elements):
                raise ValueError(f"<{name}> appears twice: which one is signed is not defined")
            elements.append((name, []))
        elif depth > 2:
            raise ValueError(f"<{elements[-1][0]}> holds an element <{name}>: only a flat document is read")

    def end(_name):
        nonlocal depth
        depth -= 1

    def characters(data):
        if depth == 2:
            elements[-1][1].append(data)
        elif data.strip(" \t\r\n"):
            raise ValueError("text outside the root's child elements")

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.Parse(text, True)
    pairs = [
        (name.encode(), "".join(parts).encode())
        for name, parts in elements
        if name not in omit and not (skip == "empty" and not "".join(parts))
    ]
    if sort == "name":
        pairs.sort(key=lambda p: p[0])
    return b"&".join(name + b"=" + value for name, value in pairs)

# @helper url url_part
def url_part(url, part):
    """A part of a URL, verbatim (no normalization)."""
    origin, rest = b"", url
    at = url.find(b"://")
    if at >= 0:
        end = at + 3
        while end < len(url) and url[end:end + 1] not in (b"/", b"?", b"#"):
            end += 1
        origin, rest = url[:end], url[end:]
    rest = rest.split(b"#", 1)[0]
    path, has_query, query = rest.partition(b"?")
    return {
        "full": url,
        "path": path,
        "query": query,
        "search": b"?" + query if query else b"",
        "path-and-query": rest,
        "without-query": origin + path,
        "origin": origin,
        "host": origin[origin.find(b"://") + 3:] if at >= 0 else origin,
    }[part]

# @helper lower lower
def lower(data):
    return data.lower()

# @helper upper upper
def upper(data):
    return data.upper()

# @helper check check
def check(claimed, computed, differs):
    return b"" if claimed == computed else differs

# @helper trim trim
def trim(data):
    return data.strip(b" \t\n\r\x0c")

# @helper slice slice_bytes
def slice_bytes(data, start, end):
    end = len(data) if end is None else min(end, len(data))
    return data[min(start, end):end]

# @helper normalize_path normalize_path
def normalize_path(path):
    """Resolves `.`, `..` and empty segments."""
    kept = []
    for segment in path.split(b"/"):
        if segment == b"..":
            if kept:
                kept.pop()
        elif segment not in (b"", b"."):
            kept.append(segment)
    out = b"/" + b"/".join(kept)
    if kept and path.endswith((b"/", b"/.", b"/..")):
        out += b"/"
    return out

# @helper headers header_lines needs=percent_encode imports=re
def header_lines(lines, set_, names, separator, prefixes, exclude, missing, empty, name_case,
                 encode, sort, squeeze, pair, join, trailing):
    """The chosen headers, each written by `pair`, joined by `join` (and ended by it when
    `trailing`): selected, merged, encoded and sorted as the trace did."""
    ws = b" \t\n\r\x0c"
    headers = []
    for line in lines.split(b"\n"):
        line = line.removesuffix(b"\r")
        if not line:
            continue
        if line[:1] in (b" ", b"\t"):
            name, value = headers[-1]
            headers[-1] = (name, value + b" " + line.strip(ws))
            continue
        name, colon, value = line.partition(b":")
        if not colon:
            raise ValueError(f"not a header line: {line!r}")
        headers.append((name.decode("latin-1"), value.strip(ws)))
    for name, value in set_:
        if value:
            headers = [(n, v) for n, v in headers if n.lower() != name.lower()]
            headers.append((name, value))
    wanted = []
    for n in names.decode("latin-1").split(separator):
        n = n.strip().lower()
        if n and n not in wanted:
            wanted.append(n)
    starts = tuple(p.lower() for p in prefixes)
    excluded = [e.lower() for e in exclude]
    merged = {}
    for name, value in headers:
        key = name.lower()
        chosen = key in wanted or (
            (not wanted and not starts or key.startswith(starts)) and key not in excluded
        )
        value = value.strip(ws)
        if squeeze:
            value = re.sub(rb"[ \t]+", b" ", value)
        if not chosen or (empty == "drop" and not value):
            continue
        if key in merged:
            merged[key][1] += b"," + value
        else:
            merged[key] = [name, value]
    if missing == "error":
        for name in wanted:
            if name not in merged:
                raise ValueError(f"the signed header {name} is not among the request's headers")
    items = list(merged.items())
    if sort == "none":
        items.sort(key=lambda item: wanted.index(item[0]) if item[0] in wanted else len(wanted))
    out = []
    for key, (name, value) in items:
        name = (key if name_case == "lower" else name).encode("latin-1")
        if encode == "rfc3986":
            name, value = percent_encode(name, "unreserved"), percent_encode(value, "unreserved")
        out.append((name, value))
    pieces = re.split(r"(\{name\}|\{value\})", pair)

    def written(name, value):
        return b"".join(
            name if p == "{name}" else value if p == "{value}" else p.encode() for p in pieces
        )

    if sort == "name":
        out.sort(key=lambda item: item[0])
    elif sort == "line":
        out.sort(key=lambda item: written(*item))
    text = join.join(written(name, value) for name, value in out)
    return text + join if trailing and out else text

# @helper utc_date utc_date imports=datetime
def utc_date(seconds, dashes):
    """The UTC calendar date of a time in unix seconds."""
    day = datetime.datetime.fromtimestamp(int(seconds), datetime.timezone.utc)
    return day.strftime("%Y-%m-%d" if dashes else "%Y%m%d").encode()

# @helper json_string json_quote
def json_quote(data):
    """UTF-8 text as a JSON string literal, as JavaScript's JSON.stringify writes it."""
    text = data.decode("utf-8")
    out = ['"']
    for c in text:
        if c in '"\\':
            out.append("\\" + c)
        elif c in "\b\f\n\r\t":
            out.append("\\" + "bfnrt"["\b\f\n\r\t".index(c)])
        elif c < " ":
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    out.append('"')
    return "".join(out).encode("utf-8")

# @helper ensure_suffix ensure_suffix
def ensure_suffix(data, suffix):
    return data if data.endswith(suffix) else data + suffix

# @helper switch switch_value
def switch_value(value, keys, results, otherwise, ignore_case):
    """The result of the key the value equals (ASCII case ignored when asked), else otherwise."""
    for key, result in zip(keys, results):
        if value.lower() == key.lower() if ignore_case else value == key:
            return result
    return otherwise

# @helper request_headers -
def request_headers(lines, set_):
    """The request's headers as (name, value) pairs: values trimmed, folded lines joined, set applied."""
    headers = []
    for line in lines.split(b"\n"):
        line = line.removesuffix(b"\r")
        if not line:
            continue
        if line[:1] in (b" ", b"\t"):
            name, value = headers[-1]
            headers[-1] = (name, value + b" " + line.strip(b" \t\n\r\x0c"))
            continue
        name, colon, value = line.partition(b":")
        if not colon:
            raise ValueError(f"not a header line: {line!r}")
        headers.append((name.decode("latin-1"), value.strip(b" \t\n\r\x0c")))
    for name, value in set_:
        if value:
            headers = [(n, v) for n, v in headers if n.lower() != name.lower()]
            headers.append((name, value))
    return headers


def header_values(headers, name):
    """The values of a header (any case), in their order."""
    return [v for n, v in headers if n.lower() == name.lower()]

# @helper cavage_string cavage_string needs=request_headers,url
def cavage_string(names, method, url, lines, set_, created, expires):
    """draft-cavage-http-signatures: one `name: value` line per listed name, in the list's order."""
    headers = request_headers(lines, set_)
    out = []
    for name in names.lower().split():
        if name == b"(request-target)":
            rest = url_part(url, "path-and-query")
            value = method.lower() + b" " + (rest if rest.startswith(b"/") else b"/" + rest)
        elif name in (b"(created)", b"(expires)"):
            value = (created if name == b"(created)" else expires).strip()
            if not value:
                raise ValueError(f"{name.decode()} is listed, but the signature has no such parameter")
        elif name.startswith(b"("):
            raise ValueError(f"{name.decode()} is not a pseudo-header of the draft")
        else:
            values = header_values(headers, name.decode("latin-1"))
            if not values:
                raise ValueError(f"{name.decode()} is listed, but the request has no such header")
            value = b", ".join(values)
        out.append(name + b": " + value)
    return b"\n".join(out)

# @helper signature_base signature_base needs=request_headers,url,percent_decode imports=base64,re
def sf_inner_list(text):
    """An RFC 8941 inner list with parameters: ([(bare item, params)], params)."""
    s = text.decode("ascii").strip()
    at = [0]

    def peek():
        return s[at[0]:at[0] + 1]

    def bare():
        c = peek()
        if c == '"':
            at[0] += 1
            out = ""
            while True:
                c = peek()
                if not c:
                    raise ValueError("an unterminated string")
                at[0] += 1
                if c == "\\":
                    out += peek()
                    at[0] += 1
                elif c == '"':
                    return ("string", out)
                else:
                    out += c
        if c == ":":
            end = s.index(":", at[0] + 1)
            value = base64.b64decode(s[at[0] + 1:end])
            at[0] = end + 1
            return ("bytes", value)
        if c == "?":
            at[0] += 2
            return ("bool", s[at[0] - 1] == "1")
        m = re.match(r"-?[0-9]+(\.[0-9]+)?|[A-Za-z*][A-Za-z0-9!#$%&'*+\-.^_`|~:/]*", s[at[0]:])
        if not m or not m.group(0):
            raise ValueError(f"not a Structured Field item at {s[at[0]:]!r}")
        at[0] += len(m.group(0))
        kind = "token" if c.isalpha() or c == "*" else "decimal" if m.group(1) else "integer"
        return (kind, m.group(0))

    def params():
        out = []
        while peek() == ";":
            at[0] += 1
            while peek() == " ":
                at[0] += 1
            m = re.match(r"[a-z*][a-z0-9_\-.*]*", s[at[0]:])
            if not m:
                raise ValueError(f"not a parameter key at {s[at[0]:]!r}")
            at[0] += len(m.group(0))
            value = ("bool", True)
            if peek() == "=":
                at[0] += 1
                value = bare()
            out.append((m.group(0), value))
        return out

    if peek() != "(":
        raise ValueError("not an inner list: (\"…\" …);created=…")
    at[0] += 1
    items = []
    while True:
        while peek() == " ":
            at[0] += 1
        if peek() == ")":
            at[0] += 1
            break
        items.append((bare(), params()))
        if peek() not in (" ", ")"):
            raise ValueError(f"an inner list's items are separated by spaces, at {s[at[0]:]!r}")
    list_params = params()
    if at[0] != len(s):
        raise ValueError(f"text after the inner list: {s[at[0]:]!r}")
    return items, list_params


def sf_bare(value):
    kind, v = value
    if kind == "string":
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if kind == "bytes":
        return ":" + base64.b64encode(v).decode() + ":"
    if kind == "bool":
        return "?1" if v else "?0"
    if kind == "decimal":
        whole, frac = v.split(".")
        return whole + "." + (frac.rstrip("0") or "0")
    return v


def sf_item(value, params):
    return sf_bare(value) + "".join(
        ";" + k + ("" if v == ("bool", True) else "=" + sf_bare(v)) for k, v in params
    )


def form_encode(data):
    """WHATWG URL's form encoding, a space as %20 (RFC 9421 2.2.8)."""
    return "".join(
        chr(b) if chr(b).isascii() and (chr(b).isalnum() or chr(b) in "*-._") else f"%{b:02X}"
        for b in data
    ).encode()


def signature_base(params, method, url, lines, set_):
    """RFC 9421's signature base of the components a Signature-Input member lists."""
    headers = request_headers(lines, set_)
    items, list_params = sf_inner_list(params)
    path = url_part(url, "path") or b"/"
    query = url_part(url, "query")
    out = b""
    for item, item_params in items:
        shown = sf_item(item, item_params)
        keys = [k for k, _ in item_params]
        if item[0] != "string":
            raise ValueError(f"the covered component {shown} is not a String")
        name = item[1]
        if "req" in keys or "tr" in keys:
            raise ValueError(f"the covered component {shown}: req and tr do not apply to a request")
        if name == "@method":
            value = method
        elif name == "@target-uri":
            value = url.split(b"#", 1)[0]
        elif name == "@authority":
            scheme = url[:url.find(b"://")].lower()
            host = url_part(url, "host").lower().rpartition(b"@")[2]
            default = {b"https": b":443", b"wss": b":443", b"http": b":80", b"ws": b":80"}.get(scheme)
            value = host[: -len(default)] if default and host.endswith(default) else host
        elif name == "@scheme":
            value = url[:url.find(b"://")].lower()
        elif name == "@request-target":
            value = path + (b"?" + query if b"?" in url_part(url, "path-and-query") else b"")
        elif name == "@path":
            value = path
        elif name == "@query":
            value = b"?" + query
        elif name == "@query-param":
            wanted = dict(item_params)["name"][1].encode()
            found = []
            for pair in query.split(b"&"):
                if pair:
                    k, _, v = pair.partition(b"=")
                    k, v = (percent_decode(x, True) for x in (k, v))
                    if form_encode(k) == wanted:
                        found.append(form_encode(v))
            if len(found) != 1:
                raise ValueError(f"the covered component {shown}: the query has it {len(found)} times")
            value = found[0]
        elif name.startswith("@"):
            raise ValueError(f"the covered component {shown} is not one this snippet derives")
        else:
            values = header_values(headers, name)
            if not values:
                raise ValueError(f"the covered component {shown}: the request has no such header")
            if "bs" in keys:
                value = b", ".join(b":" + base64.b64encode(v) + b":" for v in values)
            elif "sf" in keys or "key" in keys:
                raise ValueError(f"{shown}: this snippet does not re-serialize Structured Fields (sigscope does)")
            else:
                value = b", ".join(values)
        out += shown.encode() + b": " + value + b"\n"
    inner = "(" + " ".join(sf_item(i, p) for i, p in items) + ")" + sf_item(("token", ""), list_params)
    return out + b'"@signature-params": ' + inner.encode()

# @helper pk_key - imports=base64,json,os
# Public-key stages need the `cryptography` package (pip install cryptography).
def pk_key(text, kid_from):
    """A key as users have it: PEM (public, private, certificate), DER, a JWK or JWKS (the key
    whose kid the JWT header names), or an Ed25519 key as 32 bytes in hex or base64."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    def der(raw):
        for load in (serialization.load_der_public_key,
                     lambda d: serialization.load_der_private_key(d, None),
                     lambda d: x509.load_der_x509_certificate(d).public_key()):
            try:
                return load(raw)
            except ValueError:
                pass
        raise ValueError("the key is not DER of a public key, a private key or a certificate")

    def jwk(k):
        n = lambda name: int.from_bytes(base64.urlsafe_b64decode(k[name] + "=" * (-len(k[name]) % 4)), "big")
        raw = lambda name: base64.urlsafe_b64decode(k[name] + "=" * (-len(k[name]) % 4))
        if k.get("kty") == "OKP":
            if "d" in k:
                return ed25519.Ed25519PrivateKey.from_private_bytes(raw("d"))
            return ed25519.Ed25519PublicKey.from_public_bytes(raw("x"))
        if k.get("kty") == "EC":
            curve = {"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1()}[k["crv"]]
            if "d" in k:
                return ec.derive_private_key(n("d"), curve)
            return ec.EllipticCurvePublicNumbers(n("x"), n("y"), curve).public_key()
        public = rsa.RSAPublicNumbers(n("e"), n("n"))
        if "d" in k:
            p, q, d = n("p"), n("q"), n("d")
            return rsa.RSAPrivateNumbers(p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p), public).private_key()
        return public.public_key()

    t = text.strip()
    if t.startswith(b"-----BEGIN"):
        if b"CERTIFICATE" in t.split(b"\n", 1)[0]:
            return x509.load_pem_x509_certificate(t).public_key()
        if b"PRIVATE KEY" in t.split(b"\n", 1)[0]:
            return serialization.load_pem_private_key(t, None)
        return serialization.load_pem_public_key(t)
    if t.startswith(b"{"):
        doc = json.loads(t)
        if "keys" in doc:
            kid = None
            if kid_from.strip().startswith(b"{"):
                kid = json.loads(kid_from).get("kid")
            elif kid_from.strip():
                kid = kid_from.decode()
            keys = [k for k in doc["keys"] if kid is None or k.get("kid") == kid]
            if len(keys) != 1:
                raise ValueError(f"the JWKS has no single key for kid {kid!r}")
            doc = keys[0]
        return jwk(doc)
    try:
        raw = bytes.fromhex(t.decode())
    except ValueError:
        try:
            raw = base64.b64decode(t.replace(b"-", b"+").replace(b"_", b"/") + b"=" * (-len(t) % 4), validate=True)
        except ValueError:
            raw = t
    if len(raw) == 32:
        return ed25519.Ed25519PublicKey.from_public_bytes(raw)
    return der(raw)


def pk_stage(key, encoding, verify, sign):
    """The signature received (SIGSCOPE_SIGNATURE) when it verifies, `(not verified)` when it does
    not; without one, a signature made with the private key."""
    received = os.environb.get(b"SIGSCOPE_SIGNATURE")

    def decode(t):
        t = t.strip()
        if encoding == "hex":
            return bytes.fromhex(t.decode())
        return base64.b64decode(t.replace(b"-", b"+").replace(b"_", b"/") + b"=" * (-len(t) % 4))

    def encode(b):
        if encoding == "hex":
            return b.hex().encode()
        if encoding == "base64url":
            return base64.urlsafe_b64encode(b).rstrip(b"=")
        return base64.b64encode(b)

    if received is not None:
        public = key.public_key() if hasattr(key, "private_bytes") else key
        try:
            verify(public, decode(received))
            return received.strip()
        except Exception:
            return b"(not verified)"
    if not hasattr(key, "private_bytes"):
        sys.exit("a public key cannot sign: set SIGSCOPE_SIGNATURE to the signature to verify it")
    return encode(sign(key))

# @helper ed25519 ed25519_signature needs=pk_key
def ed25519_signature(message, key, encoding, kid_from):
    return pk_stage(pk_key(key, kid_from), encoding,
                    lambda pub, sig: pub.verify(sig, message), lambda priv: priv.sign(message))

# @helper ecdsa ecdsa_signature needs=pk_key
def ecdsa_signature(hash_name, message, key, encoding, raw, kid_from):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
    algorithm = ec.ECDSA(hashes.SHA384() if hash_name == "sha384" else hashes.SHA256())
    k = pk_key(key, kid_from)
    size = (k.curve.key_size + 7) // 8

    def verify(pub, sig):
        if len(sig) == 2 * size:
            sig = encode_dss_signature(int.from_bytes(sig[:size], "big"), int.from_bytes(sig[size:], "big"))
        pub.verify(sig, message, algorithm)

    def sign(priv):
        sig = priv.sign(message, algorithm)
        if raw:
            r, s = decode_dss_signature(sig)
            return r.to_bytes(size, "big") + s.to_bytes(size, "big")
        return sig

    return pk_stage(k, encoding, verify, sign)

# @helper rsa rsa_signature needs=pk_key
def rsa_signature(hash_name, message, key, pss, encoding, kid_from):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    h = {"sha1": hashes.SHA1, "sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}[hash_name]()
    pad = padding.PSS(padding.MGF1(h), h.digest_size) if pss else padding.PKCS1v15()
    return pk_stage(pk_key(key, kid_from), encoding,
                    lambda pub, sig: pub.verify(sig, message, pad, h), lambda priv: priv.sign(message, pad, h))

# @helper php_serialize php_serialize needs=params_parse
def php_serialize(text, omit, decode):
    """PHP's serialize() of the parameters, ksort()ed: a:N:{s:LEN:"k";s:LEN:"v";...}."""
    params = dict(p for p in params_parse(text, decode) if p[0].decode("latin-1") not in omit)
    out = b"a:%d:{" % len(params)
    for k in sorted(params):
        for b in (k, params[k]):
            out += b's:%d:"' % len(b) + b + b'";'
    return out + b"}"
