# Helpers for sigscope's bash export (openssl and coreutils): one section per recipe primitive,
# cut at the marker lines. Only the sections a recipe uses go into a snippet. Every value is held
# as lower-case hex, so any byte (NUL included) survives shell variables.

# @helper main -
# The hex of text.
hex_of() {
  printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'
}

# Writes the bytes a hex value holds.
bytes_of() {
  local hex=$1 i
  for ((i = 0; i < ${#hex}; i += 2048)); do
    printf '%b' "$(printf '%s' "${hex:i:2048}" | sed 's/../\\x&/g')"
  done
}

# Prints a stage's bytes as they are.
show() {
  printf '%s: ' "$1"
  bytes_of "$2"
  printf '\n'
}

# Prints raw MAC or hash bytes as hex.
show_hex() {
  printf '%s (hex): %s\n' "$1" "$2"
}

# Names a stage made from a secret without printing it.
show_secret() {
  printf '%s: (secret, not shown)\n' "$1"
}

# A secret's bytes (as hex) from the environment.
secret() {
  if [[ -z ${!1+set} ]]; then
    echo "set the environment variable $1 to the secret" >&2
    exit 1
  fi
  hex_of "${!1}"
}

# The body (as hex): the file named by the first argument, or standard input.
read_body() {
  od -An -v -tx1 "${1:-/dev/stdin}" | tr -d ' \n'
}

# @unsupported crc32 bash has no CRC-32 tool (coreutils' cksum computes another CRC)
# @unsupported json bash has no JSON parser
# @unsupported xml_params bash has no XML parser

# @unsupported signature_base bash has no Structured Field (RFC 8941) parser for Signature-Input
# @helper hmac hmac_digest
hmac_digest() {
  bytes_of "$3" | openssl dgst "-$1" -mac HMAC -macopt "hexkey:$2" -binary | od -An -v -tx1 | tr -d ' \n'
}

# @helper hash hash_digest
hash_digest() {
  bytes_of "$2" | openssl dgst "-$1" -binary | od -An -v -tx1 | tr -d ' \n'
}

# @helper hex hex_text
# The hex of the data, as text (its own hex), in the case asked.
hex_text() {
  if [[ $2 == 1 ]]; then
    hex_of "$(printf '%s' "$1" | tr a-f A-F)"
  else
    hex_of "$1"
  fi
}

# @helper base64 base64_text
base64_text() {
  local text
  text=$(bytes_of "$1" | base64 -w0)
  [[ $2 == 1 ]] && text=$(printf '%s' "$text" | tr '+/' '-_')
  [[ $3 == 1 ]] || text=${text%%=*}
  hex_of "$text"
}

# @helper from_base64 from_base64
# Decodes base64 after an optional prefix; padding may be left out.
from_base64() {
  local text
  text=$(bytes_of "$1")
  text=${text#"$2"}
  [[ $3 == 1 ]] && text=$(printf '%s' "$text" | tr -- '-_' '+/')
  while ((${#text} % 4)); do text+="="; done
  printf '%s' "$text" | base64 -d | od -An -v -tx1 | tr -d ' \n'
}

# @helper from_hex from_hex
from_hex() {
  local text
  text=$(bytes_of "$1")
  text=${text#"$2"}
  if ! [[ $text =~ ^([0-9a-fA-F][0-9a-fA-F])*$ ]]; then
    echo "not hex: $text" >&2
    exit 1
  fi
  printf '%s' "$text" | tr A-F a-f
}

# @helper percent_decode percent_decode
percent_decode() {
  local hex=$1 out="" i pair digits
  for ((i = 0; i < ${#hex}; i += 2)); do
    pair=${hex:i:2}
    digits=$(bytes_of "${hex:i+2:4}")
    if [[ $pair == 2b && $2 == 1 ]]; then
      out+=20
    elif [[ $pair == 25 && ${#digits} == 2 && $digits =~ ^[0-9a-fA-F]{2}$ ]]; then
      out+=$(printf '%s' "$digits" | tr A-F a-f)
      ((i += 4))
    else
      out+=$pair
    fi
  done
  printf '%s' "$out"
}

# @helper percent_encode percent_encode
# RFC 3986 percent-encoding, upper-case hex; "form" writes a space as +.
percent_encode() {
  local hex=$1 out="" i pair char
  for ((i = 0; i < ${#hex}; i += 2)); do
    pair=${hex:i:2}
    char=$(bytes_of "$pair")
    if [[ $char == [A-Za-z0-9._~-] || ($char == / && $2 == unreserved-and-slash) ]]; then
      out+=$pair
    elif [[ $pair == 20 && $2 == form ]]; then
      out+=2b
    else
      out+=25$(hex_of "$(printf '%s' "$pair" | tr a-f A-F)")
    fi
  done
  printf '%s' "$out"
}

# @helper url url_part
# A part of a URL, verbatim (no normalization).
url_part() {
  local url origin="" rest path query="" result
  url=$(bytes_of "$1")
  rest=$url
  if [[ $url == *://* ]]; then
    local after=${url#*://}
    local tail=${after#"${after%%[/?#]*}"}
    origin=${url%"$tail"}
    rest=$tail
  fi
  rest=${rest%%#*}
  path=${rest%%\?*}
  [[ $rest == *\?* ]] && query=${rest#*\?}
  case $2 in
    full) result=$url ;;
    path) result=$path ;;
    query) result=$query ;;
    search) result=${query:+?$query} ;;
    path-and-query) result=$rest ;;
    without-query) result=$origin$path ;;
    origin) result=$origin ;;
    host) result=${origin#*://} ;;
  esac
  hex_of "$result"
}

# @helper lower lower
lower() {
  bytes_of "$1" | tr A-Z a-z | od -An -v -tx1 | tr -d ' \n'
}

# @helper upper upper
upper() {
  bytes_of "$1" | tr a-z A-Z | od -An -v -tx1 | tr -d ' \n'
}

# @helper check check
# Nothing when the claimed value equals the computed one, else the mark (hex in, hex out).
check() {
  if [ "$1" = "$2" ]; then printf ''; else printf '%s' "$3"; fi
}

# @helper trim trim
trim() {
  local hex=$1
  while [[ $hex =~ ^(20|09|0a|0d|0c) ]]; do hex=${hex:2}; done
  while [[ $hex =~ (20|09|0a|0d|0c)$ ]]; do hex=${hex:0:${#hex}-2}; done
  printf '%s' "$hex"
}

# @helper slice slice_bytes
# Bytes start..end (end empty: to the end), clamped to the data.
slice_bytes() {
  local length=$((${#1} / 2)) start=$2 end=${3:-${#1}}
  ((end > length)) && end=$length
  ((start > end)) && start=$end
  printf '%s' "${1:start*2:(end-start)*2}"
}

# @helper utc_date utc_date
# The UTC calendar date of a time in unix seconds.
utc_date() {
  local format=%Y%m%d
  [[ $2 == 1 ]] && format=%Y-%m-%d
  hex_of "$(date -u -d "@$(bytes_of "$1")" "+$format")"
}

# @helper trim_text -
# Text without surrounding ASCII whitespace.
trim_text() {
  local s=$1
  s=${s#"${s%%[!$' \t\n\r\f']*}"}
  s=${s%"${s##*[!$' \t\n\r\f']}"}
  printf '%s' "$s"
}

# @helper normalize_path normalize_path
# Resolves ".", ".." and empty segments.
normalize_path() {
  local path segment out
  local -a parts=() kept=()
  path=$(bytes_of "$1")
  IFS=/ read -r -a parts <<<"$path"
  for segment in "${parts[@]}"; do
    case $segment in
      '' | .) ;;
      ..) ((${#kept[@]} == 0)) || unset 'kept[-1]' ;;
      *) kept+=("$segment") ;;
    esac
  done
  out=/$(IFS=/ && printf '%s' "${kept[*]}")
  if ((${#kept[@]})) && [[ $path == */ || $path == */. || $path == */.. ]]; then
    out+=/
  fi
  hex_of "$out"
}

# @helper params_parse - needs=percent_decode
# The pairs of a=1&b=2 text, one "namehex valuehex" line each (URL-decoded when $2 is 1).
params_parse() {
  local hex=$1 part="" i
  if [[ $(bytes_of "$hex") =~ ^[[:space:]]*\{ ]]; then
    echo "a JSON object of parameters needs another language than bash" >&2
    exit 1
  fi
  for ((i = 0; i <= ${#hex}; i += 2)); do
    if ((i == ${#hex})) || [[ ${hex:i:2} == 26 ]]; then
      if [[ -n $part ]]; then
        local name=$part value=""
        local j
        for ((j = 0; j < ${#part}; j += 2)); do
          if [[ ${part:j:2} == 3d ]]; then
            name=${part:0:j}
            value=${part:j+2}
            break
          fi
        done
        if [[ $2 == 1 ]]; then
          name=$(percent_decode "$name" 1)
          value=$(percent_decode "$value" 1)
        fi
        printf '%s %s\n' "$name" "$value"
      fi
      part=""
    else
      part+=${hex:i:2}
    fi
  done
}

# @helper params params_canonical needs=params_parse,percent_encode
# Parameters joined as pair items: filtered, set, encoded and sorted as the trace did.
# Inputs are hex joined by ":", omitted names a space-separated list, set pairs "Name:hex …".
params_canonical() {
  local inputs=$1 decode=$2 omit=$3 set=$4 keep_repeats=$5 encode=$6 sort=$7 pair=$8 join=$9
  local -a lines=() kept=()
  local input line name value word entry
  local -A seen=()
  local parsed
  IFS=: read -r -a parts <<<"$inputs"
  for input in "${parts[@]}"; do
    parsed=$(params_parse "$input" "$decode")
    while IFS= read -r line; do
      [[ -n $line ]] && lines+=("$line")
    done <<<"$parsed"
  done
  for word in $omit; do
    kept=()
    for line in "${lines[@]}"; do
      [[ ${line%% *} == "$(hex_of "$word")" ]] || kept+=("$line")
    done
    lines=("${kept[@]}")
  done
  for entry in $set; do
    name=$(hex_of "${entry%%:*}")
    value=${entry#*:}
    [[ -n $value ]] || continue
    kept=()
    for line in "${lines[@]}"; do
      [[ ${line%% *} == "$name" ]] || kept+=("$line")
    done
    lines=("${kept[@]}" "$name $value")
  done
  if [[ $keep_repeats != 1 ]]; then
    kept=()
    for line in "${lines[@]}"; do
      # Keyed with a prefix: a parameter may have an empty name (`=x`).
      [[ -n ${seen[_${line%% *}]:-} ]] && continue
      seen[_${line%% *}]=1
      kept+=("$line")
    done
    lines=("${kept[@]}")
  fi
  if [[ $encode != none ]]; then
    local keep=unreserved
    [[ $encode == form ]] && keep=form
    kept=()
    for line in "${lines[@]}"; do
      kept+=("$(percent_encode "${line%% *}" "$keep") $(percent_encode "${line#* }" "$keep")")
    done
    lines=("${kept[@]}")
  fi
  # Hex text sorts as the bytes it holds.
  if ((${#lines[@]})) && [[ $sort == name ]]; then
    mapfile -t lines < <(printf '%s\n' "${lines[@]}" | sort -s -t' ' -k1,1)
  elif ((${#lines[@]})) && [[ $sort == name-value ]]; then
    mapfile -t lines < <(printf '%s\n' "${lines[@]}" | sort -s -t' ' -k1,1 -k2,2)
  fi
  local out="" first=1 rest item
  for line in "${lines[@]}"; do
    ((first)) || out+=$join
    first=0
    # {eq_value}: "=" and the value, or nothing for an empty value (OSS's `acl`).
    if [[ -n ${line#* } ]]; then
      rest=${pair//'{eq_value}'/'={value}'}
    else
      rest=${pair//'{eq_value}'/}
    fi
    item=""
    while [[ -n $rest ]]; do
      if [[ $rest == '{name}'* ]]; then
        item+=${line%% *}
        rest=${rest#'{name}'}
      elif [[ $rest == '{value}'* ]]; then
        item+=${line#* }
        rest=${rest#'{value}'}
      else
        item+=$(hex_of "${rest:0:1}")
        rest=${rest:1}
      fi
    done
    out+=$item
  done
  printf '%s' "$out"
}

# @helper param param_value needs=params_parse
param_value() {
  local line wanted parsed
  wanted=$(hex_of "$1")
  parsed=$(params_parse "$2" "$3")
  while IFS= read -r line; do
    if [[ -n $line && ${line%% *} == "$wanted" ]]; then
      printf '%s' "${line#* }"
      return
    fi
  done <<<"$parsed"
  echo "no parameter $1" >&2
  exit 1
}

# @helper headers header_lines needs=trim_text,percent_encode
# The chosen headers, each written by the pair template, joined by the join (and ended by it when
# trailing): selected, merged, encoded and sorted as the trace did. Set pairs come as "Name:hex …",
# prefixes and excluded names as space-separated lists, the join as hex.
header_lines() {
  local separator=$4 prefixes=$5 exclude=$6 missing=$7 empty=$8 name_case=$9 encode=${10}
  local order=${11} squeeze=${12} pair=${13} join=${14} trailing=${15}
  local text line name value entry word key chosen rest item out=""
  local -a names=() values=() kept_names=() kept_values=() parts=() wanted=() keys=() ordered=()
  local -a items=()
  local -A merged=() spelled=()
  text=$(bytes_of "$1")
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line%$'\r'}
    [[ -z $line ]] && continue
    if [[ $line == [$' \t']* ]]; then
      values[-1]+=" $(trim_text "$line")"
      continue
    fi
    if [[ $line != *:* ]]; then
      echo "not a header line: $line" >&2
      exit 1
    fi
    names+=("${line%%:*}")
    values+=("$(trim_text "${line#*:}")")
  done <<<"$text"
  local i
  for entry in $2; do
    name=${entry%%:*}
    value=$(bytes_of "${entry#*:}")
    [[ -n $value ]] || continue
    kept_names=()
    kept_values=()
    for i in "${!names[@]}"; do
      if [[ ${names[i],,} != "${name,,}" ]]; then
        kept_names+=("${names[i]}")
        kept_values+=("${values[i]}")
      fi
    done
    names=("${kept_names[@]}" "$name")
    values=("${kept_values[@]}" "$value")
  done
  IFS=$separator read -r -a parts <<<"$(bytes_of "$3")"
  for word in "${parts[@]}"; do
    word=$(trim_text "$word")
    word=${word,,}
    if [[ -n $word && " ${wanted[*]} " != *" $word "* ]]; then
      wanted+=("$word")
    fi
  done
  for i in "${!names[@]}"; do
    name=${names[i]}
    key=${name,,}
    chosen=0
    if ((${#wanted[@]} == 0)) && [[ -z $prefixes ]]; then
      chosen=1
    fi
    for word in $prefixes; do
      if [[ $key == "${word,,}"* ]]; then
        chosen=1
      fi
    done
    if ((chosen)) && [[ " ${exclude,,} " == *" $key "* ]]; then
      chosen=0
    fi
    if [[ " ${wanted[*]} " == *" $key "* ]]; then
      chosen=1
    fi
    value=$(trim_text "${values[i]}")
    if [[ $squeeze == 1 ]]; then
      value=${value//+([$' \t'])/ }
    fi
    ((chosen)) || continue
    if [[ $empty == drop && -z $value ]]; then
      continue
    fi
    if [[ -n ${merged[$key]+set} ]]; then
      merged[$key]+=",$value"
    else
      merged[$key]=$value
      spelled[$key]=$name
      keys+=("$key")
    fi
  done
  if [[ $missing == error ]]; then
    for word in "${wanted[@]}"; do
      if [[ -z ${merged[$word]+set} ]]; then
        echo "the signed header $word is not among the request's headers" >&2
        exit 1
      fi
    done
  fi
  if [[ $order == none ]]; then
    # Those the names list, in its order, then the others as received.
    for word in "${wanted[@]}"; do
      if [[ -n ${merged[$word]+set} ]]; then
        ordered+=("$word")
      fi
    done
    for key in "${keys[@]}"; do
      [[ " ${wanted[*]} " == *" $key "* ]] || ordered+=("$key")
    done
    keys=("${ordered[@]}")
  fi
  # Each item as "namehex linehex": the name and the line as the pair template writes it.
  for key in "${keys[@]}"; do
    name=$key
    [[ $name_case == lower ]] || name=${spelled[$key]}
    name=$(hex_of "$name")
    value=$(hex_of "${merged[$key]}")
    if [[ $encode == rfc3986 ]]; then
      name=$(percent_encode "$name" unreserved)
      value=$(percent_encode "$value" unreserved)
    fi
    rest=$pair
    item=""
    while [[ -n $rest ]]; do
      if [[ $rest == '{name}'* ]]; then
        item+=$name
        rest=${rest#'{name}'}
      elif [[ $rest == '{value}'* ]]; then
        item+=$value
        rest=${rest#'{value}'}
      else
        item+=$(hex_of "${rest:0:1}")
        rest=${rest:1}
      fi
    done
    items+=("$name $item")
  done
  # Hex text sorts as the bytes it holds.
  if ((${#items[@]})) && [[ $order == name ]]; then
    mapfile -t items < <(printf '%s\n' "${items[@]}" | sort -s -t' ' -k1,1)
  elif ((${#items[@]})) && [[ $order == line ]]; then
    mapfile -t items < <(printf '%s\n' "${items[@]}" | sort -s -t' ' -k2,2)
  fi
  for i in "${!items[@]}"; do
    ((i == 0)) || out+=$join
    out+=${items[i]#* }
  done
  if [[ $trailing == 1 ]] && ((${#items[@]})); then
    out+=$join
  fi
  printf '%s' "$out"
}

# @helper json_string json_quote
# UTF-8 text as a JSON string literal, as JavaScript's JSON.stringify writes it (as hex); bytes
# that are not UTF-8 stop the script.
json_quote() {
  local hex=$1 out=22 i pair b need=0 lo=128 hi=191
  for ((i = 0; i < ${#hex}; i += 2)); do
    pair=${hex:i:2}
    b=$((16#$pair))
    if ((need > 0)); then
      if ((b < lo || b > hi)); then
        echo "json_string: the text is not UTF-8 (byte $((i / 2)))" >&2
        exit 1
      fi
      out+=$pair lo=128 hi=191 need=$((need - 1))
      continue
    fi
    case $pair in
      22 | 5c) out+=5c$pair ;;
      08) out+=5c62 ;;
      09) out+=5c74 ;;
      0a) out+=5c6e ;;
      0c) out+=5c66 ;;
      0d) out+=5c72 ;;
      [01]?) out+=5c753030$(hex_of "$pair") ;;
      *)
        if ((b >= 0xc2 && b <= 0xdf)); then
          need=1
        elif ((b >= 0xe0 && b <= 0xef)); then
          need=2 lo=$((b == 0xe0 ? 160 : 128)) hi=$((b == 0xed ? 159 : 191))
        elif ((b >= 0xf0 && b <= 0xf4)); then
          need=3 lo=$((b == 0xf0 ? 144 : 128)) hi=$((b == 0xf4 ? 143 : 191))
        elif ((b >= 0x80)); then
          echo "json_string: the text is not UTF-8 (byte $((i / 2)))" >&2
          exit 1
        fi
        out+=$pair
        ;;
    esac
  done
  if ((need > 0)); then
    echo "json_string: the text is not UTF-8 (it ends inside a character)" >&2
    exit 1
  fi
  printf '%s22' "$out"
}

# @helper ensure_suffix ensure_suffix
ensure_suffix() {
  if [[ $1 == *"$2" ]]; then
    printf '%s' "$1"
  else
    printf '%s%s' "$1" "$2"
  fi
}

# @helper switch switch_value needs=lower
# The result of the key the value equals (ASCII case ignored when asked), else otherwise. Keys and
# results are hex values joined by ":" (a key may be empty).
switch_value() {
  local value=$1 keys=$2: results=$3: key result
  while [[ -n $keys ]]; do
    key=${keys%%:*} keys=${keys#*:}
    result=${results%%:*} results=${results#*:}
    if [[ $key == "$value" ]] || { [[ $5 == 1 ]] && [[ $(lower "$key") == "$(lower "$value")" ]]; }; then
      printf '%s' "$result"
      return
    fi
  done
  printf '%s' "$4"
}

# @helper cavage_string cavage_string needs=trim_text,url
# draft-cavage-http-signatures: one "name: value" line per listed name, in the list's order. Set
# pairs come as "Name:hex …".
cavage_string() {
  local text line name value entry word rest out="" first=1 i
  local -a names=() values=() kept_names=() kept_values=() found=() words=()
  text=$(bytes_of "$4")
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line%$'\r'}
    [[ -z $line ]] && continue
    if [[ $line == [$' \t']* ]]; then
      values[-1]+=" $(trim_text "$line")"
      continue
    fi
    if [[ $line != *:* ]]; then
      echo "not a header line: $line" >&2
      exit 1
    fi
    names+=("${line%%:*}")
    values+=("$(trim_text "${line#*:}")")
  done <<<"$text"
  for entry in $5; do
    name=${entry%%:*}
    value=$(bytes_of "${entry#*:}")
    [[ -n $value ]] || continue
    kept_names=()
    kept_values=()
    for i in "${!names[@]}"; do
      if [[ ${names[i],,} != "${name,,}" ]]; then
        kept_names+=("${names[i]}")
        kept_values+=("${values[i]}")
      fi
    done
    names=("${kept_names[@]}" "$name")
    values=("${kept_values[@]}" "$value")
  done
  text=$(bytes_of "$1")
  read -r -a words <<<"${text,,}"
  for word in "${words[@]}"; do
    case $word in
      '(request-target)')
        rest=$(bytes_of "$(url_part "$3" path-and-query)")
        [[ $rest == /* ]] || rest=/$rest
        value=$(bytes_of "$2")
        value="${value,,} $rest"
        ;;
      '(created)' | '(expires)')
        if [[ $word == '(created)' ]]; then
          value=$(trim_text "$(bytes_of "$6")")
        else
          value=$(trim_text "$(bytes_of "$7")")
        fi
        if [[ -z $value ]]; then
          echo "$word is listed, but the signature has no such parameter" >&2
          exit 1
        fi
        ;;
      '('*)
        echo "$word is not a pseudo-header of the draft" >&2
        exit 1
        ;;
      *)
        found=()
        for i in "${!names[@]}"; do
          if [[ ${names[i],,} == "$word" ]]; then
            found+=("$(trim_text "${values[i]}")")
          fi
        done
        if ((${#found[@]} == 0)); then
          echo "$word is listed, but the request has no such header" >&2
          exit 1
        fi
        value=${found[0]}
        for ((i = 1; i < ${#found[@]}; i++)); do
          value+=", ${found[i]}"
        done
        ;;
    esac
    if ((first)); then
      first=0
    else
      out+=0a
    fi
    out+=$(hex_of "$word: $value")
  done
  printf '%s' "$out"
}
# @unsupported ed25519 public-key snippets are written for Python, JavaScript, Go and Java: export this scheme in one of them
# @unsupported ecdsa public-key snippets are written for Python, JavaScript, Go and Java: export this scheme in one of them
# @unsupported rsa public-key snippets are written for Python, JavaScript, Go and Java: export this scheme in one of them
# @unsupported php_serialize public-key snippets are written for Python, JavaScript, Go and Java, and PHP's serialize() form (only Paddle Classic, an RSA scheme, uses it) for Python alone
