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
