#!/usr/bin/env bash
# Builds the fuzz targets' seed corpora (fuzz/corpus/) from the recipes, the test fixtures and
# sigscope's own exports of every scheme's documented example. The committed corpora (grown and
# minimized by campaigns) already hold what this adds; it is for a fresh start.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${SIGSCOPE:-target/debug/sigscope}
[[ -x $bin ]] || cargo build -q
out=fuzz/corpus
mkdir -p "$out"/{json,recipe,import,bundle,engine,diagnose,tui,http1,pubkey}
cp assets/providers/*.toml "$out/recipe/"
find tests/fixtures -name '*.toml' -exec cp {} "$out/recipe/" \;
ids=$("$bin" providers | grep -E '^[a-z0-9]' | cut -d' ' -f1)
# A tour of the TUI in the tui target's byte format (see fuzz_targets/tui.rs): a scheme (the
# lead byte), the example's signature as the expected one; typing, focus, resizes, the help,
# F2 F3 Ctrl-Z F10, copies (F5, F6, F9 c h b p w), the server's string (Alt-T), a pasted
# request (F7), a click on the title (the picker), a profile, F11 F12, a tick of the clock.
tui_tour() {
  local lead=$1 request=$2 size
  printf "$lead"'\x02ab\x7f\x09\x09x\x09\x03\x4f\x17'
  printf '\x8f\x8cj\x8f\x90\x91\xb9\x98\x98\x98\x93\x94'
  printf '\x97c\x97h\x97b\x97\x09p\x97w'
  printf '\xd3\x02\x05x\r\ny\x00\xd3\x1b'
  size=$(wc -c <"$request")
  printf '\x95\x02\xff'"\\x$(printf %02x $((size % 256)))\\x$(printf %02x $((size / 256)))"
  cat "$request"
  printf '\x95\x1b\x04\x00\x0a\x00x\x7f\x88\x0a\x92profile\x0a'
  printf '\x81\x81jjG g\x8c\x99\x9a\x1b\x03\x00\x00\x05\x10\x27'
}
n=0
for id in $ids; do
  "$bin" sign -p "$id" --example --format http >"$out/import/$id.http" 2>/dev/null || true
  "$bin" sign -p "$id" --example --format curl >"$out/import/$id.curl" 2>/dev/null || true
  "$bin" sign -p "$id" --example --format bundle >"$out/bundle/$id.json" 2>/dev/null || true
  # The raw request twice over keep-alive, arriving in pieces of 7 bytes.
  { printf '\x07'; cat "$out/import/$id.http" "$out/import/$id.http"; } >"$out/http1/$id" 2>/dev/null || true
  # The example's body (after the blank line of the raw request), behind each target's lead bytes.
  body=$(sed '1,/^\r$/d' "$out/import/$id.http")
  printf '\x01%s' "$body" >"$out/json/$id"
  lead="\\x$(printf %02x "$n")"
  printf "$lead"'\x00\x08\x00%s' "$body" >"$out/engine/$id"
  # diagnose (fuzz_targets/diagnose.rs): a built-in scheme on its example body, the expected
  # signature ours after one change (a different one for each scheme); then on the first 255
  # bytes of the example's body given as bytes, the expected signature ours.
  printf '\x04\x0f'"$lead"'\x00\x03'"\\x$(printf %02x $((n % 11)))" >"$out/diagnose/$id"
  { printf '\x00\x0f'"$lead"'\x00'"\\x$(printf %02x "$(printf %s "$body" | head -c 255 | wc -c)")"
    printf %s "$body" | head -c 255; printf '\x01'; } >"$out/diagnose/$id-bytes"
  # tui (fuzz_targets/tui.rs): a tour of the screen on each scheme, the pasted request its own.
  request=$out/import/$id.http
  [[ -s $request && $(wc -c <"$request") -le 3000 ]] || request=/dev/null
  tui_tour "$lead" "$request" >"$out/tui/$id"
  n=$((n + 1))
done
# diagnose: recipes assembled from the input (byte 0 odd), from fixed pseudo-random bytes.
hex_bytes() { printf "$(sed 's/../\\x&/g')"; }
for i in $(seq 0 15); do
  { printf '\x01\x0f'; printf 'sigscope-%s' "$i" | sha256sum | cut -c1-64 | hex_bytes
    printf 'recipe-%s' "$i" | sha512sum | cut -c1-128 | hex_bytes; } >"$out/diagnose/recipe-$i"
done
printf '\x41{"z":[1,2.50,-0.0,1E+2,{"y":null,"b":""}],"a":"first","caf\xc3\xa9":"\\u00e9","a":"dup","n":null}' >"$out/json/hard"
printf '\x80z=3&a=%%2Fb+c&a=1&m=caf%%C3%%A9&empty=&flag&x=%%zz' >"$out/json/form"
printf '\x00<?xml version="1.0"?>\r\n<xml>\r\n<a><![CDATA[x\r\ny]]></a><b>&amp;&#65;&#x42;</b><c/>\r\n<!-- c --><sign>1</sign>\r\n</xml>' >"$out/json/xml"
printf '\x05POST /h HTTP/1.1\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n3;x\r\nabc\r\n0\r\nT: 1\r\n\r\nHTTP/1.1 200 OK\r\n\r\nend' >"$out/http1/chunked"
# Keys as users have them (at most 255 bytes: the lead byte says where the key ends), then a
# signature's text.
for key in tests/fixtures/pubkey/*/*.{hex,b64,pem} tests/fixtures/pubkey/*/keys/*.pem; do
  [[ -f $key ]] || continue
  size=$(wc -c <"$key")
  ((size <= 255)) || continue
  { printf "\\x$(printf %02x "$size")"; cat "$key"; printf 'MEUCIQCgQ/F/DOQZaTLco7FNLMQ207sdybObYCg/B8zxsex+gA=='; } >"$out/pubkey/$(basename "$key")"
done
echo "seeds: $(find "$out" -type f | wc -l) files in $out"
