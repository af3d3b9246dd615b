// Helpers for sigscope's PHP export: one section per recipe primitive, cut at the marker lines.
// Only the sections a recipe uses (and what they need) go into a snippet. PHP strings are bytes.

// @helper main -
/** Prints a stage's bytes as they are. */
function show(string $name, string $value): void
{
    echo $name, ": ", $value, "\n";
}

/** Prints raw MAC or hash bytes as hex. */
function show_hex(string $name, string $value): void
{
    echo $name, " (hex): ", bin2hex($value), "\n";
}

/** Names a stage made from a secret without printing it. */
function show_secret(string $name): void
{
    echo $name, ": (secret, not shown)\n";
}

/** A secret's bytes from the environment. */
function secret(string $variable): string
{
    $value = getenv($variable);
    if ($value === false) {
        fwrite(STDERR, "set the environment variable $variable to the secret\n");
        exit(1);
    }
    return $value;
}

/** The body: the file named by the first argument, or standard input. */
function read_body(array $argv): string
{
    $body = file_get_contents($argv[1] ?? 'php://stdin');
    if ($body === false) {
        fwrite(STDERR, "cannot read the body\n");
        exit(1);
    }
    return $body;
}

// @helper hmac hmac_digest
function hmac_digest(string $alg, string $key, string $message): string
{
    return hash_hmac($alg, $message, $key, true);
}

// @helper hash hash_digest
function hash_digest(string $alg, string $message): string
{
    return hash($alg, $message, true);
}

// @helper crc32 crc32_text
function crc32_text(string $data, bool $hex_digits): string
{
    $crc = crc32($data);
    return $hex_digits ? sprintf('%08x', $crc) : (string) $crc;
}

// @helper hex hex_text
function hex_text(string $data, bool $upper): string
{
    $text = bin2hex($data);
    return $upper ? strtoupper($text) : $text;
}

// @helper base64 base64_text
function base64_text(string $data, bool $url_safe, bool $padding): string
{
    $text = base64_encode($data);
    if ($url_safe) {
        $text = strtr($text, '+/', '-_');
    }
    return $padding ? $text : rtrim($text, '=');
}

// @helper from_base64 from_base64
/** Decodes base64 after an optional prefix; padding may be left out. */
function from_base64(string $text, string $strip, bool $url_safe): string
{
    if ($strip !== '' && str_starts_with($text, $strip)) {
        $text = substr($text, strlen($strip));
    }
    if ($url_safe) {
        $text = strtr($text, '-_', '+/');
    }
    $out = base64_decode($text, true);
    if ($out === false) {
        throw new InvalidArgumentException('not base64');
    }
    return $out;
}

// @helper from_hex from_hex
function from_hex(string $text, string $strip): string
{
    if ($strip !== '' && str_starts_with($text, $strip)) {
        $text = substr($text, strlen($strip));
    }
    $out = preg_match('/\A(?:[0-9a-fA-F]{2})*\z/', $text) ? hex2bin($text) : false;
    if ($out === false) {
        throw new InvalidArgumentException('not hex');
    }
    return $out;
}

// @helper json_parse -
/** A JSON number, kept exactly as written. */
final class JsonNumber
{
    public function __construct(public string $text)
    {
    }
}

/** A JSON object's members in order; a repeated name keeps its place and takes the last value. */
final class JsonObject
{
    /** @var array<int, array{0: string, 1: mixed}> */
    public array $members = [];
}

/** Reads JSON keeping members in order and numbers exactly as written. */
function json_parse(string $text): mixed
{
    if (!preg_match('//u', $text) || str_starts_with($text, "\xEF\xBB\xBF")) {
        throw new InvalidArgumentException('JSON must be UTF-8 without a byte order mark');
    }
    $at = 0;
    $value = json_value($text, $at);
    json_token($text, $at, '/\G[ \t\n\r]*/');
    if ($at !== strlen($text)) {
        throw new InvalidArgumentException('invalid JSON at byte ' . ($at + 1));
    }
    return $value;
}

function json_token(string $text, int &$at, string $pattern): string
{
    if (!preg_match($pattern, $text, $m, 0, $at)) {
        throw new InvalidArgumentException('invalid JSON at byte ' . ($at + 1));
    }
    $at += strlen($m[0]);
    return $m[0];
}

function json_value(string $text, int &$at): mixed
{
    $string = '/\G"(?:[^"\\\\\x00-\x1f]|\\\\["\\\\\/bfnrt]|\\\\u[0-9a-fA-F]{4})*"/';
    json_token($text, $at, '/\G[ \t\n\r]*/');
    $c = $text[$at] ?? '';
    if ($c === '{') {
        $at++;
        $object = new JsonObject();
        $index = [];
        if (json_token($text, $at, '/\G[ \t\n\r]*\}?/') !== '' && $text[$at - 1] === '}') {
            return $object;
        }
        do {
            json_token($text, $at, '/\G[ \t\n\r]*/');
            $name = json_decode(json_token($text, $at, $string));
            json_token($text, $at, '/\G[ \t\n\r]*:/');
            $value = json_value($text, $at);
            if (array_key_exists($name, $index)) {
                $object->members[$index[$name]] = [$name, $value];
            } else {
                $index[$name] = count($object->members);
                $object->members[] = [$name, $value];
            }
        } while (trim(json_token($text, $at, '/\G[ \t\n\r]*[,}]/')) === ',');
        return $object;
    }
    if ($c === '[') {
        $at++;
        $items = [];
        if (json_token($text, $at, '/\G[ \t\n\r]*\]?/') !== '' && $text[$at - 1] === ']') {
            return $items;
        }
        do {
            $items[] = json_value($text, $at);
        } while (trim(json_token($text, $at, '/\G[ \t\n\r]*[,\]]/')) === ',');
        return $items;
    }
    if ($c === '"') {
        return json_decode(json_token($text, $at, $string));
    }
    $word = json_token($text, $at, '/\G(?:true|false|null|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)/');
    return match ($word) {
        'true' => true,
        'false' => false,
        'null' => null,
        default => new JsonNumber($word),
    };
}

/** A string as JSON writes it; with $ascii_only, every character beyond printable ASCII as \uXXXX. */
function json_string(string $s, bool $ascii_only): string
{
    $flags = JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR;
    if ($ascii_only) {
        return str_replace("\x7f", '\u007f', json_encode($s, $flags));
    }
    return json_encode($s, $flags | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_LINE_TERMINATORS);
}

/** Writes a parsed value back: keys sorted as asked, numbers as written. */
function json_write(mixed $v, string $sort, bool $top, string $comma, string $colon, bool $ascii_only): string
{
    if ($v === null) {
        return 'null';
    }
    if (is_bool($v)) {
        return $v ? 'true' : 'false';
    }
    if ($v instanceof JsonNumber) {
        return $v->text;
    }
    if (is_string($v)) {
        return json_string($v, $ascii_only);
    }
    if ($v instanceof JsonObject) {
        $members = $v->members;
        if ($sort === 'deep' || ($sort === 'top' && $top)) {
            usort($members, fn ($a, $b) => strcmp($a[0], $b[0]));
        }
        $items = array_map(
            fn ($m) => json_string($m[0], $ascii_only) . $colon . json_write($m[1], $sort, false, $comma, $colon, $ascii_only),
            $members
        );
        return '{' . implode($comma, $items) . '}';
    }
    $items = array_map(fn ($x) => json_write($x, $sort, false, $comma, $colon, $ascii_only), $v);
    return '[' . implode($comma, $items) . ']';
}

// @helper json json_canonical needs=json_parse
/** Re-serializes JSON: keys sorted as asked, numbers as written. */
function json_canonical(string $text, string $sort, bool $spaced, bool $escape_unicode, string $skip, array $omit): string
{
    $v = json_parse($text);
    if ($v instanceof JsonObject) {
        $v->members = array_values(array_filter(
            $v->members,
            fn ($m) => !in_array($m[0], $omit, true)
                && !($skip !== 'none' && $m[1] === null)
                && !($skip === 'null-or-empty' && $m[1] === '')
        ));
    }
    return json_write($v, $sort, true, $spaced ? ', ' : ',', $spaced ? ': ' : ':', $escape_unicode);
}

// @helper percent_decode percent_decode
function percent_decode(string $data, bool $plus_space): string
{
    return $plus_space ? urldecode($data) : rawurldecode($data);
}

// @helper percent_encode percent_encode
/** RFC 3986 percent-encoding, upper-case hex; "form" writes a space as +. */
function percent_encode(string $data, string $keep): string
{
    $text = rawurlencode($data);
    return match ($keep) {
        'form' => str_replace('%20', '+', $text),
        'unreserved-and-slash' => str_replace('%2F', '/', $text),
        default => $text,
    };
}

// @helper params_parse - needs=json_parse
/** Name-value pairs of a=1&b=2 text or of a JSON object. */
function params_parse(string $text, bool $decode): array
{
    $pairs = [];
    if (str_starts_with(ltrim($text, " \t\n\r\f"), '{')) {
        $object = json_parse($text);
        if (!$object instanceof JsonObject) {
            throw new InvalidArgumentException('expected a JSON object of parameters');
        }
        foreach ($object->members as [$name, $value]) {
            $value = is_string($value) ? $value : ($value === null ? '' : json_write($value, 'none', false, ',', ':', false));
            $pairs[] = [$name, $decode ? urldecode($value) : $value];
        }
        return $pairs;
    }
    foreach (explode('&', $text) as $part) {
        if ($part === '') {
            continue;
        }
        [$name, $value] = array_pad(explode('=', $part, 2), 2, '');
        $pairs[] = $decode ? [urldecode($name), urldecode($value)] : [$name, $value];
    }
    return $pairs;
}

// @helper params params_canonical needs=params_parse,percent_encode
/** Parameters joined as $pair items: filtered, set, encoded and sorted as the trace did. */
function params_canonical(array $inputs, bool $decode, array $omit, array $set, bool $keep_repeats, string $encode, string $sort, string $pair, string $join): string
{
    $params = [];
    foreach ($inputs as $text) {
        array_push($params, ...params_parse($text, $decode));
    }
    $params = array_filter($params, fn ($p) => !in_array($p[0], $omit, true));
    foreach ($set as [$name, $value]) {
        if ($value !== '') {
            $params = array_filter($params, fn ($p) => $p[0] !== $name);
            $params[] = [$name, $value];
        }
    }
    $params = array_values($params);
    if (!$keep_repeats) {
        $seen = [];
        $params = array_values(array_filter($params, function ($p) use (&$seen) {
            if (isset($seen[$p[0]])) {
                return false;
            }
            return $seen[$p[0]] = true;
        }));
    }
    if ($encode !== 'none') {
        $keep = $encode === 'form' ? 'form' : 'unreserved';
        $params = array_map(fn ($p) => [percent_encode($p[0], $keep), percent_encode($p[1], $keep)], $params);
    }
    if ($sort === 'name') {
        usort($params, fn ($a, $b) => strcmp($a[0], $b[0]));
    } elseif ($sort === 'name-value') {
        usort($params, fn ($a, $b) => strcmp($a[0], $b[0]) ?: strcmp($a[1], $b[1]));
    }
    // {eq_value}: "=" and the value, or nothing for an empty value (OSS's `acl`).
    $items = array_map(
        fn ($p) => implode('', array_map(fn ($piece) => match ($piece) {
            '{name}' => $p[0],
            '{value}' => $p[1],
            default => $piece,
        }, preg_split(
            '/(\{name\}|\{value\})/',
            str_replace('{eq_value}', $p[1] !== '' ? '={value}' : '', $pair),
            -1,
            PREG_SPLIT_DELIM_CAPTURE
        ))),
        $params
    );
    return implode($join, $items);
}

// @helper param param_value needs=params_parse
function param_value(string $name, string $text, bool $decode): string
{
    foreach (params_parse($text, $decode) as [$k, $v]) {
        if ($k === $name) {
            return $v;
        }
    }
    throw new InvalidArgumentException("no parameter $name");
}

// @helper xml_params xml_params
/** The root's child elements of a flat XML document as name=value&…; no DTD is read (ext-dom). */
function xml_params(string $text, string $sort, string $skip, array $omit): string
{
    $doc = new DOMDocument();
    $quiet = libxml_use_internal_errors(true);
    $ok = $doc->loadXML($text, LIBXML_NONET);
    $error = libxml_get_last_error();
    libxml_clear_errors();
    libxml_use_internal_errors($quiet);
    if (!$ok || $doc->documentElement === null) {
        throw new InvalidArgumentException('invalid XML: ' . trim($error ? $error->message : 'no root element'));
    }
    if ($doc->doctype !== null) {
        throw new InvalidArgumentException('a DOCTYPE is refused: no DTD or entity declarations are read');
    }
    $root = $doc->documentElement;
    $pairs = [];
    $seen = [];
    foreach ($root->childNodes as $n) {
        if ($n->nodeType === XML_ELEMENT_NODE) {
            foreach ($n->childNodes as $c) {
                if ($c->nodeType === XML_ELEMENT_NODE) {
                    throw new InvalidArgumentException("<{$n->nodeName}> holds an element <{$c->nodeName}>: only a flat document is read");
                }
            }
            if (isset($seen[$n->nodeName])) {
                throw new InvalidArgumentException("<{$n->nodeName}> appears twice: which one is signed is not defined");
            }
            $seen[$n->nodeName] = true;
            $value = $n->textContent;
            if (!in_array($n->nodeName, $omit, true) && !($skip === 'empty' && $value === '')) {
                $pairs[] = [$n->nodeName, $value];
            }
        } elseif (($n->nodeType === XML_TEXT_NODE || $n->nodeType === XML_CDATA_SECTION_NODE)
            && trim($n->nodeValue, " \t\r\n") !== '') {
            throw new InvalidArgumentException("text directly inside <{$root->nodeName}>: only elements are read there");
        }
    }
    if ($sort === 'name') {
        usort($pairs, fn ($a, $b) => strcmp($a[0], $b[0]));
    }
    return implode('&', array_map(fn ($p) => $p[0] . '=' . $p[1], $pairs));
}

// @helper url url_part
/** A part of a URL, verbatim (no normalization). */
function url_part(string $url, string $part): string
{
    $origin = '';
    $rest = $url;
    $at = strpos($url, '://');
    if ($at !== false) {
        $end = $at + 3 + strcspn($url, '/?#', $at + 3);
        $origin = substr($url, 0, $end);
        $rest = substr($url, $end);
    }
    $rest = explode('#', $rest, 2)[0];
    [$path, $query] = array_pad(explode('?', $rest, 2), 2, '');
    return match ($part) {
        'full' => $url,
        'path' => $path,
        'query' => $query,
        'search' => $query === '' ? '' : '?' . $query,
        'path-and-query' => $rest,
        'without-query' => $origin . $path,
        'origin' => $origin,
        default => $at === false ? $origin : substr($origin, $at + 3),
    };
}

// @helper lower lower
function lower(string $data): string
{
    return strtr($data, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz');
}

// @helper upper upper
function upper(string $data): string
{
    return strtr($data, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ');
}

// @helper check check_claim
/** Nothing when the claimed value equals the computed one, else the mark. */
function check_claim(string $claimed, string $computed, string $differs): string
{
    return $claimed === $computed ? '' : $differs;
}

// @helper trim trim_ascii
function trim_ascii(string $data): string
{
    return trim($data, " \t\n\r\f");
}

// @helper slice slice_bytes
/** Bytes $start..$end (null: to the end), clamped to the data. */
function slice_bytes(string $data, int $start, ?int $end): string
{
    $stop = $end === null ? strlen($data) : min($end, strlen($data));
    $from = min($start, $stop);
    return substr($data, $from, $stop - $from);
}

// @helper normalize_path normalize_path
/** Resolves ".", ".." and empty segments. */
function normalize_path(string $path): string
{
    $kept = [];
    foreach (explode('/', $path) as $segment) {
        if ($segment === '..') {
            array_pop($kept);
        } elseif ($segment !== '' && $segment !== '.') {
            $kept[] = $segment;
        }
    }
    $out = '/' . implode('/', $kept);
    if ($kept && (str_ends_with($path, '/') || str_ends_with($path, '/.') || str_ends_with($path, '/..'))) {
        $out .= '/';
    }
    return $out;
}

// @helper headers header_lines needs=percent_encode
/**
 * The chosen headers, each written by $pair, joined by $join (and ended by it when $trailing):
 * selected, merged, encoded and sorted as the trace did.
 */
function header_lines(string $lines, array $set, string $names, string $separator, array $prefixes, array $exclude, string $missing, string $empty, string $name_case, string $encode, string $sort, bool $squeeze, string $pair, string $join, bool $trailing): string
{
    $ws = " \t\n\r\f";
    $headers = [];
    foreach (explode("\n", $lines) as $line) {
        if (str_ends_with($line, "\r")) {
            $line = substr($line, 0, -1);
        }
        if ($line === '') {
            continue;
        }
        if ($line[0] === ' ' || $line[0] === "\t") {
            $headers[count($headers) - 1][1] .= ' ' . trim($line, $ws);
            continue;
        }
        $colon = strpos($line, ':');
        if ($colon === false) {
            throw new InvalidArgumentException("not a header line: $line");
        }
        $headers[] = [substr($line, 0, $colon), trim(substr($line, $colon + 1), $ws)];
    }
    foreach ($set as [$name, $value]) {
        if ($value !== '') {
            $headers = array_values(array_filter($headers, fn ($h) => strcasecmp($h[0], $name) !== 0));
            $headers[] = [$name, $value];
        }
    }
    $wanted = [];
    foreach (explode($separator, $names) as $n) {
        $n = strtolower(trim($n));
        if ($n !== '' && !in_array($n, $wanted, true)) {
            $wanted[] = $n;
        }
    }
    $starts = array_map('strtolower', $prefixes);
    $excluded = array_map('strtolower', $exclude);
    $merged = [];
    foreach ($headers as [$name, $value]) {
        $key = strtolower($name);
        $chosen = !$wanted && !$starts;
        foreach ($starts as $start) {
            $chosen = $chosen || str_starts_with($key, $start);
        }
        $chosen = in_array($key, $wanted, true) || ($chosen && !in_array($key, $excluded, true));
        $value = trim($value, $ws);
        if ($squeeze) {
            $value = preg_replace('/[ \t]+/', ' ', $value);
        }
        if (!$chosen || ($empty === 'drop' && $value === '')) {
            continue;
        }
        if (isset($merged[$key])) {
            $merged[$key][1] .= ',' . $value;
        } else {
            $merged[$key] = [$name, $value];
        }
    }
    if ($missing === 'error') {
        foreach ($wanted as $name) {
            if (!isset($merged[$name])) {
                throw new InvalidArgumentException("the signed header $name is not among the request's headers");
            }
        }
    }
    $items = [];
    foreach ($merged as $key => [$name, $value]) {
        $items[] = [(string) $key, $name, $value];
    }
    if ($sort === 'none') {
        $rank = function ($key) use ($wanted) {
            $at = array_search($key, $wanted, true);
            return $at === false ? count($wanted) : $at;
        };
        usort($items, fn ($a, $b) => $rank($a[0]) <=> $rank($b[0]));
    }
    $out = [];
    foreach ($items as [$key, $name, $value]) {
        $written = $name_case === 'lower' ? $key : $name;
        $out[] = $encode === 'rfc3986'
            ? [percent_encode($written, 'unreserved'), percent_encode($value, 'unreserved')]
            : [$written, $value];
    }
    $pieces = preg_split('/(\{name\}|\{value\})/', $pair, -1, PREG_SPLIT_DELIM_CAPTURE);
    $line = fn ($p) => implode('', array_map(fn ($piece) => match ($piece) {
        '{name}' => $p[0],
        '{value}' => $p[1],
        default => $piece,
    }, $pieces));
    if ($sort === 'name') {
        usort($out, fn ($a, $b) => strcmp($a[0], $b[0]));
    } elseif ($sort === 'line') {
        usort($out, fn ($a, $b) => strcmp($line($a), $line($b)));
    }
    $text = implode($join, array_map($line, $out));
    return $trailing && $out ? $text . $join : $text;
}

// @helper utc_date utc_date
/** The UTC calendar date of a time in unix seconds. */
function utc_date(string $seconds, bool $dashes): string
{
    return gmdate($dashes ? 'Y-m-d' : 'Ymd', (int) trim($seconds));
}

// @helper json_string json_quote
/** UTF-8 text as a JSON string literal, as JavaScript's JSON.stringify writes it. */
function json_quote(string $data): string
{
    if (preg_match('//u', $data) !== 1) {
        fwrite(STDERR, "json_string: the text is not UTF-8\n");
        exit(1);
    }
    $escapes = ['"' => '\\"', '\\' => '\\\\', "\x08" => '\\b', "\f" => '\\f', "\n" => '\\n', "\r" => '\\r', "\t" => '\\t'];
    for ($c = 0; $c < 0x20; $c++) {
        $escapes[chr($c)] ??= sprintf('\\u%04x', $c);
    }
    return '"' . strtr($data, $escapes) . '"';
}

// @helper ensure_suffix ensure_suffix
function ensure_suffix(string $data, string $suffix): string
{
    return str_ends_with($data, $suffix) ? $data : $data . $suffix;
}

// @helper switch switch_value needs=lower
/** The result of the key the value equals (ASCII case ignored when asked), else $otherwise. */
function switch_value(string $value, array $keys, array $results, string $otherwise, bool $ignore_case): string
{
    foreach ($keys as $i => $key) {
        if ($value === $key || ($ignore_case && lower($value) === lower($key))) {
            return $results[$i];
        }
    }
    return $otherwise;
}

// @helper request_headers -
/** The request's headers as [name, value] pairs: values trimmed, folded lines joined, set applied. */
function request_headers(string $lines, array $set): array
{
    $ws = " \t\n\r\f";
    $headers = [];
    foreach (explode("\n", $lines) as $line) {
        if (str_ends_with($line, "\r")) {
            $line = substr($line, 0, -1);
        }
        if ($line === '') {
            continue;
        }
        if ($line[0] === ' ' || $line[0] === "\t") {
            $headers[count($headers) - 1][1] .= ' ' . trim($line, $ws);
            continue;
        }
        $colon = strpos($line, ':');
        if ($colon === false) {
            throw new InvalidArgumentException("not a header line: $line");
        }
        $headers[] = [substr($line, 0, $colon), trim(substr($line, $colon + 1), $ws)];
    }
    foreach ($set as [$name, $value]) {
        if ($value !== '') {
            $headers = array_values(array_filter($headers, fn ($h) => strcasecmp($h[0], $name) !== 0));
            $headers[] = [$name, $value];
        }
    }
    return $headers;
}

/** The values of a header (any case), in their order. */
function header_values(array $headers, string $name): array
{
    $out = [];
    foreach ($headers as [$n, $v]) {
        if (strcasecmp($n, $name) === 0) {
            $out[] = $v;
        }
    }
    return $out;
}

// @helper cavage_string cavage_string needs=request_headers,url
/** draft-cavage-http-signatures: one "name: value" line per listed name, in the list's order. */
function cavage_string(string $names, string $method, string $url, string $lines, array $set, string $created, string $expires): string
{
    $headers = request_headers($lines, $set);
    $out = [];
    foreach (preg_split('/[ \t\n\r\f]+/', strtolower($names), -1, PREG_SPLIT_NO_EMPTY) as $name) {
        if ($name === '(request-target)') {
            $rest = url_part($url, 'path-and-query');
            $value = strtolower($method) . ' ' . (str_starts_with($rest, '/') ? $rest : '/' . $rest);
        } elseif ($name === '(created)' || $name === '(expires)') {
            $value = trim($name === '(created)' ? $created : $expires);
            if ($value === '') {
                throw new InvalidArgumentException("$name is listed, but the signature has no such parameter");
            }
        } elseif (str_starts_with($name, '(')) {
            throw new InvalidArgumentException("$name is not a pseudo-header of the draft");
        } else {
            $values = header_values($headers, $name);
            if (!$values) {
                throw new InvalidArgumentException("$name is listed, but the request has no such header");
            }
            $value = implode(', ', $values);
        }
        $out[] = "$name: $value";
    }
    return implode("\n", $out);
}

// @helper signature_base signature_base needs=request_headers,url,percent_decode
/** An RFC 8941 inner list with parameters: [[[bare item, params], …], params]. */
function sf_inner_list(string $text): array
{
    $s = trim($text);
    $at = 0;
    $peek = function () use (&$s, &$at): string {
        return $at < strlen($s) ? $s[$at] : '';
    };
    $bare = function () use (&$s, &$at, $peek): array {
        $c = $peek();
        if ($c === '"') {
            $out = '';
            $at++;
            for (;;) {
                if ($at >= strlen($s)) {
                    throw new InvalidArgumentException('an unterminated string');
                }
                $d = $s[$at++];
                if ($d === '\\') {
                    $out .= $s[$at++];
                } elseif ($d === '"') {
                    return ['string', $out];
                } else {
                    $out .= $d;
                }
            }
        }
        if ($c === ':') {
            $end = strpos($s, ':', $at + 1);
            $value = base64_decode(substr($s, $at + 1, $end - $at - 1), true);
            $at = $end + 1;
            return ['bytes', $value];
        }
        if ($c === '?') {
            $at += 2;
            return ['bool', $s[$at - 1] === '1'];
        }
        if (!preg_match('/\A(-?[0-9]+(\.[0-9]+)?|[A-Za-z*][A-Za-z0-9!#$%&\'*+\-.^_`|~:\/]*)/', substr($s, $at), $m)) {
            throw new InvalidArgumentException('not a Structured Field item at ' . substr($s, $at));
        }
        $at += strlen($m[0]);
        return [preg_match('/[A-Za-z*]/', $c) ? 'token' : (isset($m[2]) && $m[2] !== '' ? 'decimal' : 'integer'), $m[0]];
    };
    $params = function () use (&$s, &$at, $peek, $bare): array {
        $out = [];
        while ($peek() === ';') {
            $at++;
            while ($peek() === ' ') {
                $at++;
            }
            if (!preg_match('/\A[a-z*][a-z0-9_\-.*]*/', substr($s, $at), $m)) {
                throw new InvalidArgumentException('not a parameter key at ' . substr($s, $at));
            }
            $at += strlen($m[0]);
            $value = ['bool', true];
            if ($peek() === '=') {
                $at++;
                $value = $bare();
            }
            $out[] = [$m[0], $value];
        }
        return $out;
    };
    if ($peek() !== '(') {
        throw new InvalidArgumentException('not an inner list: ("…" …);created=…');
    }
    $at++;
    $items = [];
    for (;;) {
        while ($peek() === ' ') {
            $at++;
        }
        if ($peek() === ')') {
            $at++;
            break;
        }
        $item = $bare();
        $items[] = [$item, $params()];
        if ($peek() !== ' ' && $peek() !== ')') {
            throw new InvalidArgumentException("an inner list's items are separated by spaces, at " . substr($s, $at));
        }
    }
    $list_params = $params();
    if ($at !== strlen($s)) {
        throw new InvalidArgumentException('text after the inner list: ' . substr($s, $at));
    }
    return [$items, $list_params];
}

function sf_bare(array $value): string
{
    [$kind, $v] = $value;
    switch ($kind) {
        case 'string':
            return '"' . addcslashes($v, '"\\') . '"';
        case 'bytes':
            return ':' . base64_encode($v) . ':';
        case 'bool':
            return $v ? '?1' : '?0';
        case 'decimal':
            [$whole, $frac] = explode('.', $v);
            $frac = rtrim($frac, '0');
            return $whole . '.' . ($frac === '' ? '0' : $frac);
        default:
            return $v;
    }
}

function sf_item(array $value, array $params): string
{
    $out = sf_bare($value);
    foreach ($params as [$k, $v]) {
        $out .= ';' . $k . ($v === ['bool', true] ? '' : '=' . sf_bare($v));
    }
    return $out;
}

/** WHATWG URL's form encoding, a space as %20 (RFC 9421 2.2.8). */
function form_encode(string $data): string
{
    $out = '';
    foreach (str_split($data) as $c) {
        $out .= preg_match('/[A-Za-z0-9*\-._]/', $c) ? $c : sprintf('%%%02X', ord($c));
    }
    return $data === '' ? '' : $out;
}

/** RFC 9421's signature base of the components a Signature-Input member lists. */
function signature_base(string $params, string $method, string $url, string $lines, array $set): string
{
    $headers = request_headers($lines, $set);
    [$items, $list_params] = sf_inner_list($params);
    $path = url_part($url, 'path');
    $path = $path === '' ? '/' : $path;
    $query = url_part($url, 'query');
    $colon = strpos($url, '://');
    $scheme = strtolower($colon === false ? '' : substr($url, 0, $colon));
    $out = '';
    foreach ($items as [$item, $item_params]) {
        $shown = sf_item($item, $item_params);
        $keys = array_map(fn ($p) => $p[0], $item_params);
        if ($item[0] !== 'string') {
            throw new InvalidArgumentException("the covered component $shown is not a String");
        }
        $name = $item[1];
        if (in_array('req', $keys, true) || in_array('tr', $keys, true)) {
            throw new InvalidArgumentException("the covered component $shown: req and tr do not apply to a request");
        }
        if ($name === '@method') {
            $value = $method;
        } elseif ($name === '@target-uri') {
            $value = explode('#', $url, 2)[0];
        } elseif ($name === '@authority') {
            $host = strtolower(url_part($url, 'host'));
            $at = strrpos($host, '@');
            $host = $at === false ? $host : substr($host, $at + 1);
            $port = ['https' => ':443', 'wss' => ':443', 'http' => ':80', 'ws' => ':80'][$scheme] ?? null;
            $value = $port !== null && str_ends_with($host, $port) ? substr($host, 0, -strlen($port)) : $host;
        } elseif ($name === '@scheme') {
            $value = $scheme;
        } elseif ($name === '@request-target') {
            $value = $path . (str_contains(url_part($url, 'path-and-query'), '?') ? '?' . $query : '');
        } elseif ($name === '@path') {
            $value = $path;
        } elseif ($name === '@query') {
            $value = '?' . $query;
        } elseif ($name === '@query-param') {
            $wanted = '';
            foreach ($item_params as [$k, $v]) {
                if ($k === 'name') {
                    $wanted = $v[1];
                }
            }
            $found = [];
            foreach (explode('&', $query) as $pair) {
                if ($pair === '') {
                    continue;
                }
                $parts = explode('=', $pair, 2);
                if (form_encode(percent_decode($parts[0], true)) === $wanted) {
                    $found[] = form_encode(percent_decode($parts[1] ?? '', true));
                }
            }
            if (count($found) !== 1) {
                throw new InvalidArgumentException("the covered component $shown: the query has it " . count($found) . ' times');
            }
            $value = $found[0];
        } elseif (str_starts_with($name, '@')) {
            throw new InvalidArgumentException("the covered component $shown is not one this snippet derives");
        } else {
            $values = header_values($headers, $name);
            if (!$values) {
                throw new InvalidArgumentException("the covered component $shown: the request has no such header");
            }
            if (in_array('bs', $keys, true)) {
                $value = implode(', ', array_map(fn ($v) => ':' . base64_encode($v) . ':', $values));
            } elseif (in_array('sf', $keys, true) || in_array('key', $keys, true)) {
                throw new InvalidArgumentException("$shown: this snippet does not re-serialize Structured Fields (sigscope does)");
            } else {
                $value = implode(', ', $values);
            }
        }
        $out .= "$shown: $value\n";
    }
    $inner = '(' . implode(' ', array_map(fn ($p) => sf_item($p[0], $p[1]), $items)) . ')' . sf_item(['token', ''], $list_params);
    return $out . '"@signature-params": ' . $inner;
}
// @unsupported ed25519 public-key snippets are written for Python, JavaScript, Go and Java: export this scheme in one of them
// @unsupported ecdsa public-key snippets are written for Python, JavaScript, Go and Java: export this scheme in one of them
// @unsupported rsa public-key snippets are written for Python, JavaScript, Go and Java: export this scheme in one of them
// @unsupported php_serialize public-key snippets are written for Python, JavaScript, Go and Java, and PHP's serialize() form (only Paddle Classic, an RSA scheme, uses it) for Python alone
