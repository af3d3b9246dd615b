// Helpers for sigscope's JavaScript (Node.js) export: one section per recipe primitive, cut at the
// marker lines. Only the sections a recipe uses (and what they need) go into a snippet.

// @helper main - imports=fs
/** Prints a stage's bytes as they are. */
function show(name, value) {
  process.stdout.write(Buffer.concat([Buffer.from(`${name}: `), value, Buffer.from("\n")]));
}

/** Prints raw MAC or hash bytes as hex. */
function showHex(name, value) {
  process.stdout.write(`${name} (hex): ${value.toString("hex")}\n`);
}

/** Names a stage made from a secret without printing it. */
function showSecret(name) {
  process.stdout.write(`${name}: (secret, not shown)\n`);
}

/** A secret's bytes from the environment. */
function secret(variable) {
  const value = process.env[variable];
  if (value === undefined) {
    console.error(`set the environment variable ${variable} to the secret`);
    process.exit(1);
  }
  return Buffer.from(value);
}

/** The body: the file named by the first argument, or standard input. */
function readBody() {
  return fs.readFileSync(process.argv.length > 2 ? process.argv[2] : 0);
}

/** Bytes as a "binary" string (one character per byte) and back, for byte-wise text work. */
function bin(buf) {
  return buf.toString("latin1");
}

function unbin(text) {
  return Buffer.from(text, "latin1");
}

// @helper hmac hmacDigest imports=crypto
function hmacDigest(alg, key, message) {
  return crypto.createHmac(alg, key).update(message).digest();
}

// @helper hash hashDigest imports=crypto
function hashDigest(alg, message) {
  return crypto.createHash(alg).update(message).digest();
}

// @helper crc32 crc32Text imports=zlib
function crc32Text(data, hexDigits) {
  const crc = zlib.crc32(data);
  return Buffer.from(hexDigits ? crc.toString(16).padStart(8, "0") : String(crc));
}

// @helper hex hexText
function hexText(data, upper) {
  const text = data.toString("hex");
  return Buffer.from(upper ? text.toUpperCase() : text);
}

// @helper base64 base64Text
function base64Text(data, urlSafe, padding) {
  let text = data.toString("base64");
  if (urlSafe) {
    text = text.replace(/\+/g, "-").replace(/\//g, "_");
  }
  return Buffer.from(padding ? text : text.replace(/=+$/, ""));
}

// @helper from_base64 fromBase64
/** Decodes base64 after an optional prefix; padding may be left out. */
function fromBase64(text, strip, urlSafe) {
  let s = bin(text);
  if (strip && s.startsWith(strip)) {
    s = s.slice(strip.length);
  }
  const alphabet = urlSafe ? /^[A-Za-z0-9\-_]*={0,2}$/ : /^[A-Za-z0-9+/]*={0,2}$/;
  if (!alphabet.test(s) || s.replace(/=+$/, "").length % 4 === 1) {
    throw new Error("not base64");
  }
  return Buffer.from(s, urlSafe ? "base64url" : "base64");
}

// @helper from_hex fromHex
function fromHex(text, strip) {
  let s = bin(text);
  if (strip && s.startsWith(strip)) {
    s = s.slice(strip.length);
  }
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(s)) {
    throw new Error("not hex");
  }
  return Buffer.from(s, "hex");
}

// @helper json_parse -
/**
 * Parses JSON keeping what JSON.parse loses: members in order (a repeated name keeps its place
 * and takes the last value) and numbers exactly as written.
 */
function jsonParse(buf) {
  const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(buf);
  let at = 0;
  const token = (re) => {
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) {
      throw new SyntaxError(`invalid JSON at character ${at + 1}`);
    }
    at = re.lastIndex;
    return m[0];
  };
  const space = () => token(/[ \t\n\r]*/y);
  const value = () => {
    space();
    const c = text[at];
    if (c === "{") {
      at++;
      const members = [];
      const index = new Map();
      space();
      if (text[at] === "}") {
        at++;
        return { members };
      }
      for (;;) {
        space();
        const name = JSON.parse(token(/"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/y));
        space();
        token(/:/y);
        const v = value();
        if (index.has(name)) {
          members[index.get(name)] = [name, v];
        } else {
          index.set(name, members.length);
          members.push([name, v]);
        }
        space();
        if (token(/[,}]/y) === "}") {
          return { members };
        }
      }
    }
    if (c === "[") {
      at++;
      const items = [];
      space();
      if (text[at] === "]") {
        at++;
        return items;
      }
      for (;;) {
        items.push(value());
        space();
        if (token(/[,\]]/y) === "]") {
          return items;
        }
      }
    }
    if (c === '"') {
      return JSON.parse(token(/"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/y));
    }
    const word = token(/true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y);
    if (word === "true" || word === "false") {
      return word === "true";
    }
    return word === "null" ? null : { number: word };
  };
  const v = value();
  space();
  if (at !== text.length) {
    throw new SyntaxError(`trailing characters at ${at + 1}`);
  }
  return v;
}

/** Writes a parsed value back: keys sorted as asked, numbers as written. */
function jsonWrite(v, sort, top, comma, colon, asciiOnly) {
  const str = (s) => {
    const text = JSON.stringify(s);
    return asciiOnly
      ? text.replace(/[\u007f-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"))
      : text;
  };
  if (v === null) {
    return "null";
  }
  if (typeof v === "boolean") {
    return String(v);
  }
  if (typeof v === "string") {
    return str(v);
  }
  if (Array.isArray(v)) {
    return "[" + v.map((x) => jsonWrite(x, sort, false, comma, colon, asciiOnly)).join(comma) + "]";
  }
  if ("number" in v) {
    return v.number;
  }
  let members = v.members;
  if (sort === "deep" || (sort === "top" && top)) {
    members = [...members].sort((a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])));
  }
  const inner = members.map(([k, x]) => str(k) + colon + jsonWrite(x, sort, false, comma, colon, asciiOnly));
  return "{" + inner.join(comma) + "}";
}

// @helper json jsonCanonical needs=json_parse
/** Re-serializes JSON: keys sorted as asked, numbers as written. */
function jsonCanonical(text, sort, spaced, escapeUnicode, skip, omit) {
  let v = jsonParse(text);
  if (v !== null && typeof v === "object" && "members" in v) {
    v = {
      members: v.members.filter(
        ([k, x]) =>
          !omit.includes(k) &&
          !(skip !== "none" && x === null) &&
          !(skip === "null-or-empty" && x === ""),
      ),
    };
  }
  const [comma, colon] = spaced ? [", ", ": "] : [",", ":"];
  return Buffer.from(jsonWrite(v, sort, true, comma, colon, escapeUnicode));
}

// @helper percent_decode percentDecode
function percentDecode(data, plusSpace) {
  const out = [];
  for (let i = 0; i < data.length; i++) {
    const c = data[i];
    const hex = i + 2 < data.length ? bin(data.subarray(i + 1, i + 3)) : "";
    if (c === 0x2b && plusSpace) {
      out.push(0x20);
    } else if (c === 0x25 && /^[0-9a-fA-F]{2}$/.test(hex)) {
      out.push(parseInt(hex, 16));
      i += 2;
    } else {
      out.push(c);
    }
  }
  return Buffer.from(out);
}

// @helper percent_encode percentEncode
/** RFC 3986 percent-encoding, upper-case hex; "form" writes a space as +. */
function percentEncode(data, keep) {
  let out = "";
  for (const c of data) {
    const ch = String.fromCharCode(c);
    if (/[A-Za-z0-9\-._~]/.test(ch) || (ch === "/" && keep === "unreserved-and-slash")) {
      out += ch;
    } else if (ch === " " && keep === "form") {
      out += "+";
    } else {
      out += "%" + c.toString(16).toUpperCase().padStart(2, "0");
    }
  }
  return Buffer.from(out);
}

// @helper params_parse - needs=json_parse,percent_decode
/** Name-value pairs of `a=1&b=2` text or of a JSON object. */
function paramsParse(text, decode) {
  if (/^[ \t\n\r\f]*\{/.test(bin(text))) {
    const v = jsonParse(text);
    if (v === null || typeof v !== "object" || !("members" in v)) {
      throw new Error("expected a JSON object of parameters");
    }
    return v.members.map(([k, x]) => {
      let value;
      if (typeof x === "string") {
        value = Buffer.from(x);
      } else if (x === null) {
        value = Buffer.alloc(0);
      } else {
        value = Buffer.from(jsonWrite(x, "none", false, ",", ":", false));
      }
      return [Buffer.from(k), decode ? percentDecode(value, true) : value];
    });
  }
  const pairs = [];
  for (const part of bin(text).split("&")) {
    if (part) {
      const eq = part.indexOf("=");
      const name = unbin(eq < 0 ? part : part.slice(0, eq));
      const value = unbin(eq < 0 ? "" : part.slice(eq + 1));
      pairs.push(decode ? [percentDecode(name, true), percentDecode(value, true)] : [name, value]);
    }
  }
  return pairs;
}

// @helper params paramsCanonical needs=params_parse,percent_encode
/** Parameters joined as `pair` items: filtered, set, encoded and sorted as the trace did. */
function paramsCanonical(inputs, decode, omit, set, keepRepeats, encode, sort, pair, join) {
  let params = inputs.flatMap((text) => paramsParse(text, decode)).map(([k, v]) => [bin(k), bin(v)]);
  params = params.filter(([k]) => !omit.includes(k));
  for (const [name, value] of set) {
    if (value.length > 0) {
      params = params.filter(([k]) => k !== name);
      params.push([name, bin(value)]);
    }
  }
  if (!keepRepeats) {
    const seen = new Set();
    params = params.filter(([k]) => !seen.has(k) && seen.add(k));
  }
  if (encode !== "none") {
    const keep = encode === "form" ? "form" : "unreserved";
    params = params.map(([k, v]) => [bin(percentEncode(unbin(k), keep)), bin(percentEncode(unbin(v), keep))]);
  }
  const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  if (sort === "name") {
    params.sort((a, b) => cmp(a[0], b[0]));
  } else if (sort === "name-value") {
    params.sort((a, b) => cmp(a[0], b[0]) || cmp(a[1], b[1]));
  }
  // {eq_value}: "=" and the value, or nothing for an empty value (OSS's `acl`).
  const items = params.map(([k, v]) =>
    pair
      .replaceAll("{eq_value}", v.length > 0 ? "={value}" : "")
      .split(/(\{name\}|\{value\})/)
      .map((p) => (p === "{name}" ? k : p === "{value}" ? v : bin(Buffer.from(p))))
      .join(""),
  );
  return unbin(items.join(bin(join)));
}

// @helper param paramValue needs=params_parse
function paramValue(name, text, decode) {
  const found = paramsParse(text, decode).find(([k]) => k.equals(Buffer.from(name)));
  if (!found) {
    throw new Error(`no parameter ${name}`);
  }
  return found[1];
}

// @unsupported xml_params Node.js has no XML parser in its standard library
// @helper url urlPart
/** A part of a URL, verbatim (no normalization). */
function urlPart(url, part) {
  const u = bin(url);
  let origin = "";
  let rest = u;
  const at = u.indexOf("://");
  if (at >= 0) {
    let end = at + 3;
    while (end < u.length && !"/?#".includes(u[end])) {
      end++;
    }
    origin = u.slice(0, end);
    rest = u.slice(end);
  }
  rest = rest.split("#")[0];
  const q = rest.indexOf("?");
  const path = q < 0 ? rest : rest.slice(0, q);
  const query = q < 0 ? "" : rest.slice(q + 1);
  const parts = {
    full: u,
    path,
    query,
    search: query ? "?" + query : "",
    "path-and-query": rest,
    "without-query": origin + path,
    origin,
    host: at >= 0 ? origin.slice(at + 3) : origin,
  };
  return unbin(parts[part]);
}

// @helper lower lower
function lower(data) {
  return unbin(bin(data).replace(/[A-Z]+/g, (s) => s.toLowerCase()));
}

// @helper upper upper
function upper(data) {
  return unbin(bin(data).replace(/[a-z]+/g, (s) => s.toUpperCase()));
}

// @helper check check
// Nothing when the claimed value equals the computed one, else the mark.
function check(claimed, computed, differs) {
  return Buffer.compare(Buffer.from(claimed), Buffer.from(computed)) === 0 ? Buffer.alloc(0) : differs;
}

// @helper trim trim
function trim(data) {
  return unbin(bin(data).replace(/^[ \t\n\r\f]+|[ \t\n\r\f]+$/g, ""));
}

// @helper slice sliceBytes
function sliceBytes(data, start, end) {
  const stop = end === null ? data.length : Math.min(end, data.length);
  return data.subarray(Math.min(start, stop), stop);
}

// @helper normalize_path normalizePath
/** Resolves ".", ".." and empty segments. */
function normalizePath(path) {
  const p = bin(path);
  const kept = [];
  for (const segment of p.split("/")) {
    if (segment === "..") {
      kept.pop();
    } else if (segment !== "" && segment !== ".") {
      kept.push(segment);
    }
  }
  let out = "/" + kept.join("/");
  if (kept.length > 0 && (p.endsWith("/") || p.endsWith("/.") || p.endsWith("/.."))) {
    out += "/";
  }
  return unbin(out);
}

// @helper headers headerLines needs=percent_encode
/**
 * The chosen headers, each written by `pair`, joined by `join` (and ended by it when
 * `trailing`): selected, merged, encoded and sorted as the trace did.
 */
function headerLines(lines, set, names, separator, prefixes, exclude, missing, empty, nameCase, encode, sort, squeeze, pair, join, trailing) {
  const ws = /^[ \t\n\r\f]+|[ \t\n\r\f]+$/g;
  let headers = [];
  for (let line of bin(lines).split("\n")) {
    line = line.replace(/\r$/, "");
    if (!line) {
      continue;
    }
    if (line[0] === " " || line[0] === "\t") {
      headers[headers.length - 1][1] += " " + line.replace(ws, "");
      continue;
    }
    const colon = line.indexOf(":");
    if (colon < 0) {
      throw new Error(`not a header line: ${line}`);
    }
    headers.push([line.slice(0, colon), line.slice(colon + 1).replace(ws, "")]);
  }
  for (const [name, value] of set) {
    if (value.length > 0) {
      headers = headers.filter(([n]) => n.toLowerCase() !== name.toLowerCase());
      headers.push([name, bin(value)]);
    }
  }
  const wanted = [];
  for (let n of bin(names).split(separator)) {
    n = n.trim().toLowerCase();
    if (n && !wanted.includes(n)) {
      wanted.push(n);
    }
  }
  const starts = prefixes.map((p) => p.toLowerCase());
  const excluded = exclude.map((e) => e.toLowerCase());
  const merged = new Map();
  for (const [name, v] of headers) {
    const key = name.toLowerCase();
    const chosen =
      wanted.includes(key) ||
      (((wanted.length === 0 && starts.length === 0) || starts.some((p) => key.startsWith(p))) && !excluded.includes(key));
    let value = v.replace(ws, "");
    if (squeeze) {
      value = value.replace(/[ \t]+/g, " ");
    }
    if (!chosen || (empty === "drop" && value === "")) {
      continue;
    }
    if (merged.has(key)) {
      merged.get(key)[1] += "," + value;
    } else {
      merged.set(key, [name, value]);
    }
  }
  if (missing === "error") {
    for (const name of wanted) {
      if (!merged.has(name)) {
        throw new Error(`the signed header ${name} is not among the request's headers`);
      }
    }
  }
  let items = [...merged.entries()];
  if (sort === "none") {
    const rank = (key) => (wanted.includes(key) ? wanted.indexOf(key) : wanted.length);
    items.sort((a, b) => rank(a[0]) - rank(b[0]));
  }
  let out = items.map(([key, [name, value]]) => {
    const written = nameCase === "lower" ? key : name;
    if (encode === "rfc3986") {
      return [bin(percentEncode(unbin(written), "unreserved")), bin(percentEncode(unbin(value), "unreserved"))];
    }
    return [written, value];
  });
  const pieces = pair.split(/(\{name\}|\{value\})/);
  const written = ([n, v]) => pieces.map((p) => (p === "{name}" ? n : p === "{value}" ? v : bin(Buffer.from(p)))).join("");
  const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  if (sort === "name") {
    out.sort((a, b) => cmp(a[0], b[0]));
  } else if (sort === "line") {
    out.sort((a, b) => cmp(written(a), written(b)));
  }
  const text = out.map(written).join(bin(join));
  return unbin(trailing && out.length > 0 ? text + bin(join) : text);
}

// @helper utc_date utcDate
/** The UTC calendar date of a time in unix seconds. */
function utcDate(seconds, dashes) {
  const day = new Date(Number(bin(seconds).trim()) * 1000).toISOString().slice(0, 10);
  return Buffer.from(dashes ? day : day.replace(/-/g, ""));
}

// @helper json_string jsonQuote
/** UTF-8 text as a JSON string literal: JSON.stringify itself (bytes that are not UTF-8 throw). */
function jsonQuote(data) {
  const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(data);
  return Buffer.from(JSON.stringify(text));
}

// @helper ensure_suffix ensureSuffix
function ensureSuffix(data, suffix) {
  const ends = data.length >= suffix.length && data.subarray(data.length - suffix.length).equals(suffix);
  return ends ? data : Buffer.concat([data, suffix]);
}

// @helper switch switchValue
/** The result of the key the value equals (ASCII case ignored when asked), else otherwise. */
function switchValue(value, keys, results, otherwise, ignoreCase) {
  const fold = (b) => (ignoreCase ? bin(b).replace(/[A-Z]+/g, (s) => s.toLowerCase()) : bin(b));
  const at = keys.findIndex((key) => fold(key) === fold(value));
  return at >= 0 ? results[at] : otherwise;
}

// @helper request_headers -
/** The request's headers as [name, value] pairs: values trimmed, folded lines joined, set applied. */
function requestHeaders(lines, set) {
  const ws = /^[ \t\n\r\f]+|[ \t\n\r\f]+$/g;
  let headers = [];
  for (let line of bin(lines).split("\n")) {
    line = line.replace(/\r$/, "");
    if (!line) {
      continue;
    }
    if (line[0] === " " || line[0] === "\t") {
      headers[headers.length - 1][1] += " " + line.replace(ws, "");
      continue;
    }
    const colon = line.indexOf(":");
    if (colon < 0) {
      throw new Error(`not a header line: ${line}`);
    }
    headers.push([line.slice(0, colon), line.slice(colon + 1).replace(ws, "")]);
  }
  for (const [name, value] of set) {
    if (value.length > 0) {
      headers = headers.filter(([n]) => n.toLowerCase() !== name.toLowerCase());
      headers.push([name, bin(value)]);
    }
  }
  return headers;
}

/** The values of a header (any case), in their order. */
function headerValues(headers, name) {
  return headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
}

// @helper cavage_string cavageString needs=request_headers,url
/** draft-cavage-http-signatures: one `name: value` line per listed name, in the list's order. */
function cavageString(names, method, url, lines, set, created, expires) {
  const headers = requestHeaders(lines, set);
  const out = [];
  for (const name of bin(names).toLowerCase().split(/[ \t\n\r\f]+/).filter((n) => n)) {
    let value;
    if (name === "(request-target)") {
      const rest = bin(urlPart(url, "path-and-query"));
      value = bin(method).toLowerCase() + " " + (rest.startsWith("/") ? rest : "/" + rest);
    } else if (name === "(created)" || name === "(expires)") {
      value = bin(name === "(created)" ? created : expires).trim();
      if (!value) {
        throw new Error(`${name} is listed, but the signature has no such parameter`);
      }
    } else if (name.startsWith("(")) {
      throw new Error(`${name} is not a pseudo-header of the draft`);
    } else {
      const values = headerValues(headers, name);
      if (values.length === 0) {
        throw new Error(`${name} is listed, but the request has no such header`);
      }
      value = values.join(", ");
    }
    out.push(`${name}: ${value}`);
  }
  return unbin(out.join("\n"));
}

// @helper signature_base signatureBase needs=request_headers,url,percent_decode
/** An RFC 8941 inner list with parameters: { items: [[bare item, params]], params }. */
function sfInnerList(text) {
  const s = bin(text).trim();
  let at = 0;
  const bare = () => {
    const c = s[at];
    if (c === '"') {
      let out = "";
      at++;
      for (;;) {
        if (at >= s.length) {
          throw new Error("an unterminated string");
        }
        const d = s[at++];
        if (d === "\\") {
          out += s[at++];
        } else if (d === '"') {
          return ["string", out];
        } else {
          out += d;
        }
      }
    }
    if (c === ":") {
      const end = s.indexOf(":", at + 1);
      const value = Buffer.from(s.slice(at + 1, end), "base64");
      at = end + 1;
      return ["bytes", value];
    }
    if (c === "?") {
      at += 2;
      return ["bool", s[at - 1] === "1"];
    }
    const m = /^(-?[0-9]+(\.[0-9]+)?|[A-Za-z*][A-Za-z0-9!#$%&'*+\-.^_`|~:/]*)/.exec(s.slice(at));
    if (!m) {
      throw new Error(`not a Structured Field item at ${s.slice(at)}`);
    }
    at += m[0].length;
    return [/[A-Za-z*]/.test(c) ? "token" : m[2] ? "decimal" : "integer", m[0]];
  };
  const params = () => {
    const out = [];
    while (s[at] === ";") {
      at++;
      while (s[at] === " ") {
        at++;
      }
      const m = /^[a-z*][a-z0-9_\-.*]*/.exec(s.slice(at));
      if (!m) {
        throw new Error(`not a parameter key at ${s.slice(at)}`);
      }
      at += m[0].length;
      let value = ["bool", true];
      if (s[at] === "=") {
        at++;
        value = bare();
      }
      out.push([m[0], value]);
    }
    return out;
  };
  if (s[at] !== "(") {
    throw new Error('not an inner list: ("…" …);created=…');
  }
  at++;
  const items = [];
  for (;;) {
    while (s[at] === " ") {
      at++;
    }
    if (s[at] === ")") {
      at++;
      break;
    }
    items.push([bare(), params()]);
    if (s[at] !== " " && s[at] !== ")") {
      throw new Error(`an inner list's items are separated by spaces, at ${s.slice(at)}`);
    }
  }
  const listParams = params();
  if (at !== s.length) {
    throw new Error(`text after the inner list: ${s.slice(at)}`);
  }
  return { items, params: listParams };
}

function sfBare([kind, v]) {
  if (kind === "string") {
    return '"' + v.replace(/[\\"]/g, (c) => "\\" + c) + '"';
  }
  if (kind === "bytes") {
    return ":" + v.toString("base64") + ":";
  }
  if (kind === "bool") {
    return v ? "?1" : "?0";
  }
  if (kind === "decimal") {
    const [whole, frac] = v.split(".");
    return whole + "." + (frac.replace(/0+$/, "") || "0");
  }
  return v;
}

function sfItem(value, params) {
  return (
    sfBare(value) +
    params.map(([k, v]) => ";" + k + (v[0] === "bool" && v[1] === true ? "" : "=" + sfBare(v))).join("")
  );
}

/** WHATWG URL's form encoding, a space as %20 (RFC 9421 2.2.8). */
function formEncode(data) {
  let out = "";
  for (const b of data) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9*\-._]/.test(c) ? c : "%" + b.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

/** RFC 9421's signature base of the components a Signature-Input member lists. */
function signatureBase(params, method, url, lines, set) {
  const headers = requestHeaders(lines, set);
  const list = sfInnerList(params);
  const u = bin(url);
  const path = bin(urlPart(url, "path")) || "/";
  const query = bin(urlPart(url, "query"));
  const scheme = u.slice(0, Math.max(u.indexOf("://"), 0)).toLowerCase();
  let out = "";
  for (const [item, itemParams] of list.items) {
    const shown = sfItem(item, itemParams);
    const keys = itemParams.map(([k]) => k);
    if (item[0] !== "string") {
      throw new Error(`the covered component ${shown} is not a String`);
    }
    const name = item[1];
    if (keys.includes("req") || keys.includes("tr")) {
      throw new Error(`the covered component ${shown}: req and tr do not apply to a request`);
    }
    let value;
    if (name === "@method") {
      value = bin(method);
    } else if (name === "@target-uri") {
      value = u.split("#")[0];
    } else if (name === "@authority") {
      const host = bin(urlPart(url, "host")).toLowerCase().split("@").pop();
      const port = { https: ":443", wss: ":443", http: ":80", ws: ":80" }[scheme];
      value = port && host.endsWith(port) ? host.slice(0, -port.length) : host;
    } else if (name === "@scheme") {
      value = scheme;
    } else if (name === "@request-target") {
      value = path + (bin(urlPart(url, "path-and-query")).includes("?") ? "?" + query : "");
    } else if (name === "@path") {
      value = path;
    } else if (name === "@query") {
      value = "?" + query;
    } else if (name === "@query-param") {
      const wanted = itemParams.find(([k]) => k === "name")[1][1];
      const found = [];
      for (const pair of query.split("&").filter((p) => p)) {
        const eq = pair.indexOf("=");
        const [k, v] = eq < 0 ? [pair, ""] : [pair.slice(0, eq), pair.slice(eq + 1)];
        if (formEncode(percentDecode(unbin(k), true)) === wanted) {
          found.push(formEncode(percentDecode(unbin(v), true)));
        }
      }
      if (found.length !== 1) {
        throw new Error(`the covered component ${shown}: the query has it ${found.length} times`);
      }
      value = found[0];
    } else if (name.startsWith("@")) {
      throw new Error(`the covered component ${shown} is not one this snippet derives`);
    } else {
      const values = headerValues(headers, name);
      if (values.length === 0) {
        throw new Error(`the covered component ${shown}: the request has no such header`);
      }
      if (keys.includes("bs")) {
        value = values.map((v) => ":" + unbin(v).toString("base64") + ":").join(", ");
      } else if (keys.includes("sf") || keys.includes("key")) {
        throw new Error(`${shown}: this snippet does not re-serialize Structured Fields (sigscope does)`);
      } else {
        value = values.join(", ");
      }
    }
    out += `${shown}: ${value}\n`;
  }
  const inner = "(" + list.items.map(([i, p]) => sfItem(i, p)).join(" ") + ")" + sfItem(["token", ""], list.params);
  return unbin(out + '"@signature-params": ' + inner);
}
// @unsupported php_serialize public-key snippets are written for Python, JavaScript, Go and Java, and PHP's serialize() form (only Paddle Classic, an RSA scheme, uses it) for Python alone

// @helper pk_key - imports=crypto
/** A key as users have it: PEM (public, private, certificate), DER, a JWK or JWKS (the key whose
 * kid the JWT header names), or an Ed25519 key as 32 bytes in hex or base64. */
function pkKey(text, kidFrom) {
  const t = text.toString("latin1").trim();
  const ed25519Spki = (raw) =>
    crypto.createPublicKey({
      key: Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), raw]),
      format: "der",
      type: "spki",
    });
  if (t.startsWith("-----BEGIN")) {
    const label = t.split("\n", 1)[0];
    if (label.includes("CERTIFICATE")) {
      return new crypto.X509Certificate(t).publicKey;
    }
    return label.includes("PRIVATE KEY") ? crypto.createPrivateKey(t) : crypto.createPublicKey(t);
  }
  if (t.startsWith("{")) {
    let doc = JSON.parse(t);
    if (doc.keys) {
      const from = kidFrom.toString().trim();
      const kid = from.startsWith("{") ? JSON.parse(from).kid : from || undefined;
      const keys = doc.keys.filter((k) => kid === undefined || k.kid === kid);
      if (keys.length !== 1) {
        throw new Error(`the JWKS has no single key for kid ${kid}`);
      }
      doc = keys[0];
    }
    return doc.d ? crypto.createPrivateKey({ key: doc, format: "jwk" }) : crypto.createPublicKey({ key: doc, format: "jwk" });
  }
  let raw = text;
  if (/^([0-9a-fA-F]{2})+$/.test(t)) {
    raw = Buffer.from(t, "hex");
  } else if (/^[A-Za-z0-9+/_=-]+$/.test(t)) {
    raw = Buffer.from(t.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  }
  if (raw.length === 32) {
    return ed25519Spki(raw);
  }
  for (const type of ["spki", "pkcs8"]) {
    try {
      return type === "spki"
        ? crypto.createPublicKey({ key: raw, format: "der", type })
        : crypto.createPrivateKey({ key: raw, format: "der", type });
    } catch {
      // the next form
    }
  }
  return new crypto.X509Certificate(raw).publicKey;
}

/** The signature received (SIGSCOPE_SIGNATURE) when it verifies, `(not verified)` when it does
 * not; without one, a signature made with the private key. */
function pkStage(key, encoding, verify, sign) {
  const received = process.env.SIGSCOPE_SIGNATURE;
  const decode = (t) =>
    encoding === "hex" ? Buffer.from(t.trim(), "hex") : Buffer.from(t.trim().replace(/-/g, "+").replace(/_/g, "/"), "base64");
  const encode = (b) =>
    encoding === "hex"
      ? b.toString("hex")
      : encoding === "base64url"
        ? b.toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")
        : b.toString("base64");
  if (received !== undefined) {
    const pub = key.type === "private" ? crypto.createPublicKey(key) : key;
    try {
      return Buffer.from(verify(pub, decode(received)) ? received.trim() : "(not verified)");
    } catch {
      return Buffer.from("(not verified)");
    }
  }
  if (key.type !== "private") {
    console.error("a public key cannot sign: set SIGSCOPE_SIGNATURE to the signature to verify it");
    process.exit(1);
  }
  return Buffer.from(encode(sign(key)));
}

// @helper ed25519 ed25519Signature needs=pk_key
function ed25519Signature(message, key, encoding, kidFrom) {
  return pkStage(
    pkKey(key, kidFrom),
    encoding,
    (pub, sig) => crypto.verify(null, message, pub, sig),
    (priv) => crypto.sign(null, message, priv),
  );
}

// @helper ecdsa ecdsaSignature needs=pk_key
function ecdsaSignature(hash, message, key, encoding, raw, kidFrom) {
  const k = pkKey(key, kidFrom);
  const size = k.asymmetricKeyDetails.namedCurve === "secp384r1" ? 48 : 32;
  return pkStage(
    k,
    encoding,
    (pub, sig) =>
      crypto.verify(hash, message, { key: pub, dsaEncoding: sig.length === 2 * size ? "ieee-p1363" : "der" }, sig),
    (priv) => crypto.sign(hash, message, { key: priv, dsaEncoding: raw ? "ieee-p1363" : "der" }),
  );
}

// @helper rsa rsaSignature needs=pk_key
function rsaSignature(hash, message, key, pss, encoding, kidFrom) {
  const options = pss
    ? { padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: crypto.constants.RSA_PSS_SALTLEN_DIGEST }
    : { padding: crypto.constants.RSA_PKCS1_PADDING };
  return pkStage(
    pkKey(key, kidFrom),
    encoding,
    (pub, sig) => crypto.verify(hash, message, { key: pub, ...options }, sig),
    (priv) => crypto.sign(hash, message, { key: priv, ...options }),
  );
}
