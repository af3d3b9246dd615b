#!/usr/bin/env bash
# Builds the fuzz targets' seed corpora (fuzz/corpus/, not committed) from the recipes, the test
# fixtures and sigscope's own exports of every scheme's documented example.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${SIGSCOPE:-target/debug/sigscope}
[[ -x $bin ]] || cargo build -q
out=fuzz/corpus
mkdir -p "$out"/{json,recipe,import,bundle,engine,diagnose,tui,http1,pubkey}
cp assets/providers/*.toml "$out/recipe/"
find tests/fixtures -name '*.toml' -exec cp {} "$out/recipe/" \;
ids=$("$bin" providers | grep -E '^[a-z0-9]' | cut -d' ' -f1)
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
  printf "$lead"'\x04AAAA%s' "$body" >"$out/diagnose/$id"
  printf "$lead"'\x00a\x09\x07b\x0a\x00\x03' >"$out/tui/$id"
  n=$((n + 1))
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
