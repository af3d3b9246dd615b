# Helpers for sigscope's Ruby export: one section per recipe primitive, cut at the marker lines.
# Only the sections a recipe uses (and what they need) go into a snippet. Every value is a binary
# (ASCII-8BIT) string: bytes, whatever they hold.

# @helper main -
# Prints a stage's bytes as they are.
def show(name, value)
  $stdout.write("#{name}: ".b, value, "\n")
end

# Prints raw MAC or hash bytes as hex.
def show_hex(name, value)
  $stdout.write("#{name} (hex): #{value.unpack1('H*')}\n")
end

# Names a stage made from a secret without printing it.
def show_secret(name)
  $stdout.write("#{name}: (secret, not shown)\n")
end

# A secret's bytes from the environment.
def secret(variable)
  value = ENV.fetch(variable) { abort("set the environment variable #{variable} to the secret") }
  value.b
end

# The body: the file named by the first argument, or standard input.
def read_body
  ARGV.empty? ? $stdin.binmode.read : File.binread(ARGV[0])
end

# @helper hmac hmac_digest imports=openssl
def hmac_digest(alg, key, message)
  OpenSSL::HMAC.digest(alg, key, message)
end

# @helper hash hash_digest imports=openssl
def hash_digest(alg, message)
  OpenSSL::Digest.new(alg).digest(message)
end

# @helper crc32 crc32_text imports=zlib
def crc32_text(data, hex_digits)
  crc = Zlib.crc32(data)
  (hex_digits ? format("%08x", crc) : crc.to_s).b
end

# @helper hex hex_text
def hex_text(data, upper)
  text = data.unpack1("H*")
  (upper ? text.upcase : text).b
end

# @helper base64 base64_text
def base64_text(data, url_safe, padding)
  text = [data].pack("m0")
  text = text.tr("+/", "-_") if url_safe
  (padding ? text : text.sub(/=+\z/, "")).b
end

# @helper from_base64 from_base64
# Decodes base64 after an optional prefix; padding may be left out.
def from_base64(text, strip, url_safe)
  text = text.delete_prefix(strip.b)
  text = text.tr("-_", "+/") if url_safe
  text += "=" * (-text.length % 4)
  text.unpack1("m0")
end

# @helper from_hex from_hex
def from_hex(text, strip)
  text = text.delete_prefix(strip.b)
  raise ArgumentError, "not hex" unless text.match?(/\A(?:\h\h)*\z/)

  [text].pack("H*")
end

# @helper json_parse - imports=json,strscan
# A JSON number, kept exactly as written.
JsonNumber = Struct.new(:text)
# A JSON object's members in order; a repeated name keeps its place and takes the last value.
JsonObject = Struct.new(:members)

JSON_STRING = /"(?:[^"\\\x00-\x1f]|\\["\\\/bfnrt]|\\u\h{4})*"/.freeze
JSON_SPACE = /[ \t\n\r]*/.freeze

# Reads JSON keeping members in order and numbers exactly as written.
def json_parse(text)
  text = text.dup.force_encoding(Encoding::UTF_8)
  raise ArgumentError, "JSON must be UTF-8 without a byte order mark" if !text.valid_encoding? || text.start_with?("\uFEFF")

  scanner = StringScanner.new(text)
  value = json_value(scanner)
  scanner.skip(JSON_SPACE)
  raise ArgumentError, "invalid JSON at character #{scanner.charpos + 1}" unless scanner.eos?

  value
end

def json_expect(scanner, pattern)
  scanner.skip(JSON_SPACE)
  scanner.scan(pattern) or raise ArgumentError, "invalid JSON at character #{scanner.charpos + 1}"
end

def json_value(scanner)
  scanner.skip(JSON_SPACE)
  if scanner.scan(/\{/)
    object = JsonObject.new([])
    index = {}
    scanner.skip(JSON_SPACE)
    return object if scanner.scan(/\}/)

    loop do
      name = JSON.parse(json_expect(scanner, JSON_STRING))
      json_expect(scanner, /:/)
      value = json_value(scanner)
      if index.key?(name)
        object.members[index[name]] = [name, value]
      else
        index[name] = object.members.length
        object.members << [name, value]
      end
      return object if json_expect(scanner, /[,}]/) == "}"
    end
  elsif scanner.scan(/\[/)
    items = []
    scanner.skip(JSON_SPACE)
    return items if scanner.scan(/\]/)

    loop do
      items << json_value(scanner)
      return items if json_expect(scanner, /[,\]]/) == "]"
    end
  elsif scanner.check(/"/)
    JSON.parse(json_expect(scanner, JSON_STRING))
  else
    word = json_expect(scanner, /true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/)
    { "true" => true, "false" => false, "null" => nil }.fetch(word) { JsonNumber.new(word) }
  end
end

JSON_ESCAPES = { '"' => '\\"', "\\" => "\\\\", "\n" => "\\n", "\r" => "\\r", "\t" => "\\t", "\b" => "\\b", "\f" => "\\f" }.freeze

# A string as JSON writes it; with ascii_only, every character beyond printable ASCII as \uXXXX.
def json_string(text, ascii_only)
  inner = text.each_char.map do |c|
    if JSON_ESCAPES.key?(c)
      JSON_ESCAPES[c]
    elsif c.ord < 0x20 || (ascii_only && c.ord > 0x7e)
      c.encode(Encoding::UTF_16BE).unpack("n*").map { |unit| format("\\u%04x", unit) }.join
    else
      c
    end
  end
  "\"#{inner.join}\""
end

# Writes a parsed value back: keys sorted as asked, numbers as written.
def json_write(value, sort, top, comma, colon, ascii_only)
  case value
  when nil then "null"
  when true then "true"
  when false then "false"
  when JsonNumber then value.text
  when String then json_string(value, ascii_only)
  when Array then "[#{value.map { |v| json_write(v, sort, false, comma, colon, ascii_only) }.join(comma)}]"
  else
    members = value.members
    members = members.sort_by { |name, _| name.b } if sort == "deep" || (sort == "top" && top)
    items = members.map { |k, v| json_string(k, ascii_only) + colon + json_write(v, sort, false, comma, colon, ascii_only) }
    "{#{items.join(comma)}}"
  end
end

# @helper json json_canonical needs=json_parse
# Re-serializes JSON: keys sorted as asked, numbers as written.
def json_canonical(text, sort, spaced, escape_unicode, skip, omit)
  value = json_parse(text)
  if value.is_a?(JsonObject)
    value = JsonObject.new(value.members.reject do |k, v|
      omit.include?(k) || (skip != "none" && v.nil?) || (skip == "null-or-empty" && v == "")
    end)
  end
  comma, colon = spaced ? [", ", ": "] : [",", ":"]
  json_write(value, sort, true, comma, colon, escape_unicode).b
end

# @helper percent_decode percent_decode
def percent_decode(data, plus_space)
  data = data.tr("+", " ") if plus_space
  data.b.gsub(/%(\h\h)/) { Regexp.last_match(1).hex.chr }
end

# @helper percent_encode percent_encode
# RFC 3986 percent-encoding, upper-case hex; "form" writes a space as +.
def percent_encode(data, keep)
  data.b.gsub(%r{[^A-Za-z0-9\-._~/ ]|/| }) do |c|
    if c == "/" && keep == "unreserved-and-slash"
      c
    elsif c == " " && keep == "form"
      "+"
    else
      format("%%%02X", c.ord)
    end
  end
end

# @helper params_parse - needs=json_parse,percent_decode
# Name-value pairs of a=1&b=2 text or of a JSON object.
def params_parse(text, decode)
  if text.lstrip.start_with?("{")
    object = json_parse(text)
    raise ArgumentError, "expected a JSON object of parameters" unless object.is_a?(JsonObject)

    return object.members.map do |name, value|
      value = case value
              when String then value.b
              when nil then "".b
              else json_write(value, "none", false, ",", ":", false).b
              end
      [name.b, decode ? percent_decode(value, true) : value]
    end
  end
  text.split("&").reject(&:empty?).map do |part|
    name, value = part.split("=", 2)
    value ||= "".b
    decode ? [percent_decode(name, true), percent_decode(value, true)] : [name, value]
  end
end

# @helper params params_canonical needs=params_parse,percent_encode
# Parameters joined as pair items: filtered, set, encoded and sorted as the trace did.
def params_canonical(inputs, decode, omit, set, keep_repeats, encode, sort, pair, join)
  params = inputs.flat_map { |text| params_parse(text, decode) }
  params.reject! { |k, _| omit.include?(k) }
  set.each do |name, value|
    next if value.empty?

    params.reject! { |k, _| k == name.b }
    params << [name.b, value]
  end
  params = params.uniq(&:first) unless keep_repeats
  unless encode == "none"
    keep = encode == "form" ? "form" : "unreserved"
    params = params.map { |k, v| [percent_encode(k, keep), percent_encode(v, keep)] }
  end
  case sort
  when "name" then params = params.each_with_index.sort_by { |(k, _), i| [k, i] }.map(&:first)
  when "name-value" then params = params.sort
  end
  # {eq_value}: "=" and the value, or nothing for an empty value (OSS's `acl`).
  items = params.map do |k, v|
    pieces = pair.gsub("{eq_value}", v.empty? ? "" : "={value}").split(/(\{name\}|\{value\})/)
    pieces.map { |piece| { "{name}" => k, "{value}" => v }.fetch(piece) { piece.b } }.join.b
  end
  items.join(join).b
end

# @helper param param_value needs=params_parse
def param_value(name, text, decode)
  found = params_parse(text, decode).find { |k, _| k == name.b }
  raise ArgumentError, "no parameter #{name}" unless found

  found[1]
end

# @helper xml_params xml_params imports=rexml/document
# The root's child elements of a flat XML document as name=value&…; no DTD is read.
def xml_params(text, sort, skip, omit)
  doc = REXML::Document.new(text.dup.force_encoding(Encoding::UTF_8))
  raise ArgumentError, "a DOCTYPE is refused: no DTD or entity declarations are read" if doc.doctype

  root = doc.root or raise ArgumentError, "invalid XML: no root element"
  pairs = []
  seen = {}
  root.children.each do |node|
    case node
    when REXML::Element
      inner = node.children.find { |c| c.is_a?(REXML::Element) }
      raise ArgumentError, "<#{node.name}> holds an element <#{inner.name}>: only a flat document is read" if inner
      raise ArgumentError, "<#{node.expanded_name}> appears twice: which one is signed is not defined" if seen[node.expanded_name]

      seen[node.expanded_name] = true
      value = node.children.grep(REXML::Text).map(&:value).join
      next if omit.include?(node.expanded_name) || (skip == "empty" && value.empty?)

      pairs << [node.expanded_name.b, value.b]
    when REXML::Text
      raise ArgumentError, "text directly inside <#{root.name}>: only elements are read there" unless node.value.strip.empty?
    end
  end
  pairs.sort_by! { |name, _| name } if sort == "name"
  pairs.map { |name, value| name + "=".b + value }.join("&".b)
end

# @helper url url_part
# A part of a URL, verbatim (no normalization).
def url_part(url, part)
  origin = "".b
  rest = url
  at = url.index("://")
  if at
    stop = url.index(%r{[/?#]}, at + 3) || url.length
    origin = url[0...stop]
    rest = url[stop..]
  end
  rest = rest.split("#", 2).first || "".b
  path, query = rest.split("?", 2)
  path ||= "".b
  query ||= "".b
  case part
  when "full" then url
  when "path" then path
  when "query" then query
  when "search" then query.empty? ? "".b : "?".b + query
  when "path-and-query" then rest
  when "without-query" then origin + path
  when "origin" then origin
  else at ? origin[(at + 3)..] : origin
  end
end

# @helper lower lower
def lower(data)
  data.b.tr("A-Z", "a-z")
end

# @helper upper upper
def upper(data)
  data.b.tr("a-z", "A-Z")
end

# @helper check check
# Nothing when the claimed value equals the computed one, else the mark.
def check(claimed, computed, differs)
  claimed.b == computed.b ? "".b : differs
end

# @helper trim trim
def trim(data)
  data.b.sub(/\A[ \t\n\r\f]+/, "").sub(/[ \t\n\r\f]+\z/, "")
end

# @helper slice slice_bytes
# Bytes start...stop (nil: to the end), clamped to the data.
def slice_bytes(data, start, stop)
  stop = stop.nil? ? data.bytesize : [stop, data.bytesize].min
  data.byteslice([start, stop].min...stop)
end

# @helper normalize_path normalize_path
# Resolves ".", ".." and empty segments.
def normalize_path(path)
  kept = []
  path.split("/", -1).each do |segment|
    if segment == ".."
      kept.pop
    elsif !["", "."].include?(segment)
      kept << segment
    end
  end
  out = "/".b + kept.join("/")
  out += "/" if !kept.empty? && (path.end_with?("/") || path.end_with?("/.") || path.end_with?("/.."))
  out.b
end

# @helper headers header_lines needs=percent_encode
# The chosen headers, each written by pair, joined by join (and ended by it when trailing):
# selected, merged, encoded and sorted as the trace did.
def header_lines(lines, set, names, separator, prefixes, exclude, missing, empty, name_case, encode, sort, squeeze, pair, join, trailing)
  ws = /\A[ \t\n\r\f]+|[ \t\n\r\f]+\z/
  headers = []
  lines.b.split("\n").each do |line|
    line = line.delete_suffix("\r")
    next if line.empty?

    if line.start_with?(" ", "\t")
      headers.last[1] += " ".b + line.gsub(ws, "")
      next
    end
    name, value = line.split(":", 2)
    raise ArgumentError, "not a header line: #{line}" if value.nil?

    headers << [name, value.gsub(ws, "")]
  end
  set.each do |name, value|
    next if value.empty?

    headers.reject! { |n, _| n.casecmp?(name) }
    headers << [name.b, value.b]
  end
  wanted = []
  names.b.split(separator).each do |n|
    n = n.strip.downcase
    wanted << n unless n.empty? || wanted.include?(n)
  end
  starts = prefixes.map { |p| p.downcase.b }
  excluded = exclude.map(&:downcase)
  merged = {}
  headers.each do |name, value|
    key = name.downcase
    chosen = wanted.include?(key) ||
             (((wanted.empty? && starts.empty?) || starts.any? { |p| key.start_with?(p) }) && !excluded.include?(key))
    value = value.gsub(ws, "")
    value = value.gsub(/[ \t]+/, " ") if squeeze
    next if !chosen || (empty == "drop" && value.empty?)

    if merged.key?(key)
      merged[key][1] = merged[key][1] + ",".b + value
    else
      merged[key] = [name, value]
    end
  end
  if missing == "error"
    wanted.each do |name|
      raise ArgumentError, "the signed header #{name} is not among the request's headers" unless merged.key?(name)
    end
  end
  items = merged.to_a
  if sort == "none"
    rank = ->(key) { wanted.index(key) || wanted.length }
    items = items.each_with_index.sort_by { |(key, _), i| [rank.call(key), i] }.map(&:first)
  end
  out = items.map do |key, (name, value)|
    written = (name_case == "lower" ? key : name).b
    encode == "rfc3986" ? [percent_encode(written, "unreserved"), percent_encode(value, "unreserved")] : [written, value.b]
  end
  pieces = pair.split(/(\{name\}|\{value\})/)
  line = ->(n, v) { pieces.map { |piece| { "{name}" => n, "{value}" => v }.fetch(piece) { piece.b } }.join.b }
  case sort
  when "name" then out = out.each_with_index.sort_by { |(n, _), i| [n, i] }.map(&:first)
  when "line" then out = out.each_with_index.sort_by { |(n, v), i| [line.call(n, v), i] }.map(&:first)
  end
  text = out.map { |n, v| line.call(n, v) }.join(join.b).b
  trailing && !out.empty? ? (text + join.b).b : text
end

# @helper utc_date utc_date
# The UTC calendar date of a time in unix seconds.
def utc_date(seconds, dashes)
  Time.at(Integer(seconds.strip, 10)).utc.strftime(dashes ? "%Y-%m-%d" : "%Y%m%d").b
end

# @helper json_string json_quote
# UTF-8 text as a JSON string literal, as JavaScript's JSON.stringify writes it.
def json_quote(data)
  abort("json_string: the text is not UTF-8") unless data.dup.force_encoding("UTF-8").valid_encoding?
  escapes = { '"' => '\\"', "\\" => "\\\\", "\b" => '\\b', "\f" => '\\f', "\n" => '\\n', "\r" => '\\r', "\t" => '\\t' }
  body = data.b.gsub(/[\x00-\x1f"\\]/n) { |c| escapes.fetch(c) { format('\\u%04x', c.ord) } }
  "\"#{body}\"".b
end

# @helper ensure_suffix ensure_suffix
def ensure_suffix(data, suffix)
  data.b.end_with?(suffix.b) ? data.b : data.b + suffix.b
end

# @helper switch switch_value needs=lower
# The result of the key the value equals (ASCII case ignored when asked), else otherwise.
def switch_value(value, keys, results, otherwise, ignore_case)
  at = keys.index { |key| key.b == value.b || (ignore_case && lower(key) == lower(value)) }
  at.nil? ? otherwise : results[at]
end

# @helper request_headers -
# The request's headers as [name, value] pairs: values trimmed, folded lines joined, set applied.
def request_headers(lines, set)
  ws = /\A[ \t\n\r\f]+|[ \t\n\r\f]+\z/
  headers = []
  lines.b.split("\n").each do |line|
    line = line.delete_suffix("\r")
    next if line.empty?

    if line.start_with?(" ", "\t")
      headers.last[1] += " ".b + line.gsub(ws, "")
      next
    end
    name, value = line.split(":", 2)
    raise ArgumentError, "not a header line: #{line}" if value.nil?

    headers << [name, value.gsub(ws, "")]
  end
  set.each do |name, value|
    next if value.empty?

    headers.reject! { |n, _| n.casecmp?(name) }
    headers << [name.b, value.b]
  end
  headers
end

# The values of a header (any case), in their order.
def header_values(headers, name)
  headers.select { |n, _| n.casecmp?(name) }.map(&:last)
end

# @helper cavage_string cavage_string needs=request_headers,url
# draft-cavage-http-signatures: one "name: value" line per listed name, in the list's order.
def cavage_string(names, method, url, lines, set, created, expires)
  headers = request_headers(lines, set)
  out = []
  names.b.downcase.split(/[ \t\n\r\f]+/).reject(&:empty?).each do |name|
    value =
      if name == "(request-target)"
        rest = url_part(url, "path-and-query")
        method.b.downcase + " ".b + (rest.start_with?("/") ? rest : "/".b + rest)
      elsif ["(created)", "(expires)"].include?(name)
        v = (name == "(created)" ? created : expires).b.strip
        raise ArgumentError, "#{name} is listed, but the signature has no such parameter" if v.empty?

        v
      elsif name.start_with?("(")
        raise ArgumentError, "#{name} is not a pseudo-header of the draft"
      else
        values = header_values(headers, name)
        raise ArgumentError, "#{name} is listed, but the request has no such header" if values.empty?

        values.join(", ".b)
      end
    out << name + ": ".b + value
  end
  out.join("\n".b).b
end

# @helper signature_base signature_base needs=request_headers,url,percent_decode imports=base64
# An RFC 8941 inner list with parameters: [[[bare item, params], …], params].
def sf_inner_list(text)
  s = text.b.strip
  at = 0
  bare = lambda do
    c = s[at]
    if c == '"'
      out = +""
      at += 1
      loop do
        raise ArgumentError, "an unterminated string" if at >= s.length

        d = s[at]
        at += 1
        if d == "\\"
          out << s[at]
          at += 1
        elsif d == '"'
          return [:string, out]
        else
          out << d
        end
      end
    end
    if c == ":"
      finish = s.index(":", at + 1)
      value = Base64.strict_decode64(s[at + 1...finish])
      at = finish + 1
      return [:bytes, value]
    end
    if c == "?"
      at += 2
      return [:bool, s[at - 1] == "1"]
    end
    m = /\A(-?[0-9]+(\.[0-9]+)?|[A-Za-z*][A-Za-z0-9!#$%&'*+\-.^_`|~:\/]*)/.match(s[at..])
    raise ArgumentError, "not a Structured Field item at #{s[at..]}" if m.nil?

    at += m[0].length
    [c.match?(/[A-Za-z*]/) ? :token : (m[2] ? :decimal : :integer), m[0]]
  end
  params = lambda do
    out = []
    while s[at] == ";"
      at += 1
      at += 1 while s[at] == " "
      m = /\A[a-z*][a-z0-9_\-.*]*/.match(s[at..])
      raise ArgumentError, "not a parameter key at #{s[at..]}" if m.nil?

      at += m[0].length
      value = [:bool, true]
      if s[at] == "="
        at += 1
        value = bare.call
      end
      out << [m[0], value]
    end
    out
  end
  raise ArgumentError, 'not an inner list: ("…" …);created=…' unless s[at] == "("

  at += 1
  items = []
  loop do
    at += 1 while s[at] == " "
    if s[at] == ")"
      at += 1
      break
    end
    items << [bare.call, params.call]
    raise ArgumentError, "an inner list's items are separated by spaces, at #{s[at..]}" unless [" ", ")"].include?(s[at])
  end
  list_params = params.call
  raise ArgumentError, "text after the inner list: #{s[at..]}" unless at == s.length

  [items, list_params]
end

def sf_bare(value)
  kind, v = value
  case kind
  when :string then "\"#{v.gsub(/[\\"]/) { |c| "\\#{c}" }}\""
  when :bytes then ":#{Base64.strict_encode64(v)}:"
  when :bool then v ? "?1" : "?0"
  when :decimal
    whole, frac = v.split(".")
    frac = frac.sub(/0+\z/, "")
    "#{whole}.#{frac.empty? ? '0' : frac}"
  else v
  end
end

def sf_item(value, params)
  sf_bare(value) + params.map { |k, v| ";#{k}" + (v == [:bool, true] ? "" : "=#{sf_bare(v)}") }.join
end

# WHATWG URL's form encoding, a space as %20 (RFC 9421 2.2.8).
def form_encode(data)
  data.bytes.map { |b| b.chr.match?(/[A-Za-z0-9*\-._]/) ? b.chr : format("%%%02X", b) }.join.b
end

# RFC 9421's signature base of the components a Signature-Input member lists.
def signature_base(params, method, url, lines, set)
  headers = request_headers(lines, set)
  items, list_params = sf_inner_list(params)
  url = url.b
  path = url_part(url, "path")
  path = "/".b if path.empty?
  query = url_part(url, "query")
  scheme = (url.index("://") ? url[0...url.index("://")] : "").downcase
  out = "".b
  items.each do |item, item_params|
    shown = sf_item(item, item_params)
    keys = item_params.map(&:first)
    raise ArgumentError, "the covered component #{shown} is not a String" unless item[0] == :string

    name = item[1]
    raise ArgumentError, "the covered component #{shown}: req and tr do not apply to a request" if keys.include?("req") || keys.include?("tr")

    value =
      case name
      when "@method" then method.b
      when "@target-uri" then url.split("#", 2)[0]
      when "@authority"
        host = url_part(url, "host").downcase.split("@").last || "".b
        port = { "https" => ":443", "wss" => ":443", "http" => ":80", "ws" => ":80" }[scheme]
        port && host.end_with?(port) ? host[0...-port.length] : host
      when "@scheme" then scheme
      when "@request-target"
        path + (url_part(url, "path-and-query").include?("?") ? "?".b + query : "".b)
      when "@path" then path
      when "@query" then "?".b + query
      when "@query-param"
        wanted = item_params.assoc("name")[1][1]
        found = query.split("&").reject(&:empty?).filter_map do |pair|
          k, v = pair.split("=", 2)
          form_encode(percent_decode(v.to_s.b, true)) if form_encode(percent_decode(k.b, true)) == wanted.b
        end
        raise ArgumentError, "the covered component #{shown}: the query has it #{found.length} times" unless found.length == 1

        found[0]
      else
        raise ArgumentError, "the covered component #{shown} is not one this snippet derives" if name.start_with?("@")

        values = header_values(headers, name)
        raise ArgumentError, "the covered component #{shown}: the request has no such header" if values.empty?

        if keys.include?("bs")
          values.map { |v| ":#{Base64.strict_encode64(v)}:" }.join(", ")
        elsif keys.include?("sf") || keys.include?("key")
          raise ArgumentError, "#{shown}: this snippet does not re-serialize Structured Fields (sigscope does)"
        else
          values.join(", ".b)
        end
      end
    out << shown.b << ": ".b << value.b << "\n".b
  end
  inner = "(" + items.map { |i, p| sf_item(i, p) }.join(" ") + ")" + sf_item([:token, ""], list_params)
  out << "\"@signature-params\": ".b << inner.b
  out
end
# @unsupported ed25519 public-key snippets are written for Python, JavaScript, Go and Java: export this scheme in one of them
# @unsupported ecdsa public-key snippets are written for Python, JavaScript, Go and Java: export this scheme in one of them
# @unsupported rsa public-key snippets are written for Python, JavaScript, Go and Java: export this scheme in one of them
# @unsupported php_serialize public-key snippets are written for Python, JavaScript, Go and Java, and PHP's serialize() form (only Paddle Classic, an RSA scheme, uses it) for Python alone
