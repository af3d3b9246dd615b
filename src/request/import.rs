//! Import of a customer's request: raw HTTP, a command line (curl for bash or cmd, PowerShell,
//! fetch, HTTPie, wget), a HAR file or an API client's collection (Postman, Insomnia, Bruno),
//! told apart by `formats` and read by the module of each, the body kept byte for byte. A
//! scheme's inputs are then taken from it by `mapping` (re-exported here).

pub use super::entry::{EntrySelector, ImportOptions};
use super::formats::Format;
pub use super::http::head_with_lf;
pub use super::mapping::{Mapped, map, map_with, member};
use super::message::err;
pub use super::message::{Choices, ImportError, Imported};
pub use super::vars::{Environment, Vars, read_environment};

/// Reads a request in any format read (see [`parse_with`]), with no `--entry` and no
/// environment. `read_file` resolves curl's `@file` data.
pub fn parse(
    input: &[u8],
    read_file: &mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
) -> Result<Imported, ImportError> {
    parse_with(
        input,
        &mut ImportOptions {
            entry: None,
            environment: None,
            read_file,
            signed: None,
        },
    )
}

/// Reads a request in any of the formats read: raw HTTP, a curl command line (bash, or
/// Windows cmd with `^` escapes), PowerShell's Invoke-WebRequest / Invoke-RestMethod, a fetch
/// call (a browser's "Copy as fetch", Node.js), HTTPie, wget, a HAR file, a Postman
/// collection, an Insomnia export, a Bruno `.bru` request. Anything else is one error naming
/// what it looks like.
pub fn parse_with(input: &[u8], opts: &mut ImportOptions) -> Result<Imported, ImportError> {
    let format = match super::formats::sniff(input) {
        Format::Unknown(e) => return Err(e),
        known => known,
    };
    let single = !matches!(
        format,
        Format::Har | Format::Postman | Format::Insomnia | Format::Bruno
    );
    if single && let Some(e) = &opts.entry {
        return Err(err(
            0,
            format!(
                "--entry {e}: the request is {}, which holds one request (--entry picks one of a HAR file's or a collection's)",
                format.describe()
            ),
        ));
    }
    if single && let Some(name) = opts.environment_label() {
        return Err(err(
            0,
            format!(
                "{name}: the request is {}, which has no {{{{variables}}}} (an environment fills in a Postman, Insomnia or Bruno collection's)",
                format.describe()
            ),
        ));
    }
    let text = || -> Result<&str, ImportError> {
        std::str::from_utf8(input).map_err(|e| {
            let line = input[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            err(line, format!("{} must be UTF-8 text", format.describe()))
        })
    };
    match format {
        Format::Http => super::http::parse(input).map_err(|e| super::formats::explain(input, e)),
        Format::Curl => super::curl::parse(text()?, opts.read_file),
        Format::CmdCurl => super::cmd::parse(text()?, opts.read_file),
        Format::PowerShell => super::powershell::parse(text()?, opts.read_file),
        Format::Fetch => super::fetch::parse(text()?),
        Format::Httpie => super::httpie::parse(text()?, opts.read_file),
        Format::Wget => super::wget::parse(text()?, opts.read_file),
        Format::Bruno => super::collection::bruno(text()?, opts),
        Format::Har | Format::Postman | Format::Insomnia => {
            let json = super::formats::json(input)?;
            match format {
                Format::Har => super::har::parse(&json, opts),
                Format::Postman => super::collection::postman(&json, opts),
                _ => super::collection::insomnia(&json, opts),
            }
        }
        Format::Unknown(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::sign::Recipe;

    fn no_files(_: &str) -> Result<Vec<u8>, String> {
        Err("no files here".into())
    }

    #[test]
    fn curl_as_a_shell_reads_it() {
        let cmd = "curl -X POST -H 'Content-Type: application/json' \\\n  'https://www.isvwebsite.com/saasproduce?signature=af71&timestamp=1716363778801&nonce=RLLU' \\\n  --data '{\"a\": \"it'\\''s\"}'";
        let r = parse(cmd.as_bytes(), &mut no_files).unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(
            r.url,
            "https://www.isvwebsite.com/saasproduce?signature=af71&timestamp=1716363778801&nonce=RLLU"
        );
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert_eq!(r.body, b"{\"a\": \"it's\"}");
    }

    #[test]
    fn curl_data_forms() {
        let mut files = |p: &str| -> Result<Vec<u8>, String> {
            assert_eq!(p, "body.json");
            Ok(b"{\r\n\"a\": 1\r\n}\n".to_vec())
        };
        let r = parse(b"curl https://h/x -d @body.json -d b=2", &mut files).unwrap();
        assert_eq!(r.body, b"{\"a\": 1}&b=2");
        let r = parse(b"curl https://h/x --data-binary @body.json", &mut files).unwrap();
        assert_eq!(r.body, b"{\r\n\"a\": 1\r\n}\n");
        let r = parse(b"curl --url https://h/x --data-raw @x -XPUT", &mut files).unwrap();
        assert_eq!((r.method.as_str(), r.body.as_slice()), ("PUT", &b"@x"[..]));
        let r = parse(b"curl -G https://h/x?a=1 -d b=2", &mut files).unwrap();
        assert_eq!(
            (r.method.as_str(), r.url.as_str()),
            ("GET", "https://h/x?a=1&b=2")
        );
    }

    fn recipe(id: &str) -> Recipe {
        crate::sign::builtin::all()
            .unwrap()
            .into_iter()
            .find(|r| r.id == id)
            .unwrap()
    }

    #[test]
    fn tpns_fields_and_sign_from_the_seed_page_request() {
        // The HTTP example of the seed page, as printed there.
        let raw = "POST /v3/push/app HTTP/1.1\nHost: api.tpns.tencent.com\nContent-Type: application/json\nAccessId: 1500001048\nTimeStamp: 1565314789\nSign: Y2QyMDc3NDY4MmJmNzhiZmRiNDNlMTdkMWQ1ZDU2YjNlNWI3ODlhMTY3MGZjMTUyN2VmNTRjNjVkMmQ3Yjc2ZA==\n\n{\"a\":1}";
        let req = parse(raw.as_bytes(), &mut no_files).unwrap();
        let m = map(&recipe("tpns"), &req, &BTreeMap::new());
        assert_eq!(m.fields["access_id"], "1500001048");
        assert_eq!(m.fields["timestamp"], "1565314789");
        assert_eq!(m.fields["url"], "https://api.tpns.tencent.com/v3/push/app");
        assert_eq!(
            m.signature.as_deref(),
            Some(
                "Y2QyMDc3NDY4MmJmNzhiZmRiNDNlMTdkMWQ1ZDU2YjNlNWI3ODlhMTY3MGZjMTUyN2VmNTRjNjVkMmQ3Yjc2ZA=="
            )
        );
        assert_eq!(m.body.as_deref(), Some(&b"{\"a\":1}"[..]));
        // An explicit field wins over the request's.
        let given = BTreeMap::from([("timestamp".to_string(), "1".to_string())]);
        assert!(
            !map(&recipe("tpns"), &req, &given)
                .fields
                .contains_key("timestamp")
        );
    }

    #[test]
    fn wechat_pay_sign_and_sign_type_come_from_the_xml_body() {
        // The orderquery request wechatpy 1.8.18 sent (tests/fixtures/catalog/api-f-wechatpay).
        let raw = "POST /pay/orderquery HTTP/1.1\r\nHost: api.mch.weixin.qq.com\r\n\r\n<xml>\n<appid><![CDATA[wx2421b1c4370ec43b]]></appid>\n<sign_type><![CDATA[HMAC-SHA256]]></sign_type>\n<sign><![CDATA[01ABEF46D71CC8ACEBC65CCDA99CDF95A738F3CE2A87C1EEAE2C24D613AD763B]]></sign>\n</xml>";
        let wechat = recipe("wechatpay-v2");
        let m = map(
            &wechat,
            &parse(raw.as_bytes(), &mut no_files).unwrap(),
            &BTreeMap::new(),
        );
        assert_eq!(
            m.signature.as_deref(),
            Some("01ABEF46D71CC8ACEBC65CCDA99CDF95A738F3CE2A87C1EEAE2C24D613AD763B")
        );
        assert_eq!(m.variants["sign_type"], "HMAC-SHA256");
        assert!(m.errors.is_empty(), "{:?}", m.errors);
        // Without <sign_type> no rule decides: the variant's first choice, MD5, stays.
        let raw =
            "POST /wxpay/notify HTTP/1.1\r\nHost: example.com\r\n\r\n<xml><sign>AF68</sign></xml>";
        let m = map(
            &wechat,
            &parse(raw.as_bytes(), &mut no_files).unwrap(),
            &BTreeMap::new(),
        );
        assert_eq!(m.signature.as_deref(), Some("AF68"));
        assert!(!m.variants.contains_key("sign_type"));
    }

    #[test]
    fn etower_authorization_is_taken_apart() {
        let raw = "GET /services/shipper/orders?page=1 HTTP/1.1\r\nHost: cfs-qa.etowertech.com\r\nX-WallTech-Date: Thu, 04 Nov 2021 03:39:28 GMT\r\nAuthorization: WallTech testLvs2jdug2qIoRsJyuxs:2THPh5_j4OTYUGdinstTC4nYqDE=\r\n\r\n";
        let m = map(
            &recipe("etower"),
            &parse(raw.as_bytes(), &mut no_files).unwrap(),
            &BTreeMap::new(),
        );
        assert_eq!(m.fields["token"], "testLvs2jdug2qIoRsJyuxs");
        assert_eq!(m.signature.as_deref(), Some("2THPh5_j4OTYUGdinstTC4nYqDE="));
        assert_eq!(m.fields["method"], "GET");
        assert_eq!(
            m.fields["url"],
            "https://cfs-qa.etowertech.com/services/shipper/orders?page=1"
        );
        assert_eq!(m.fields["date"], "Thu, 04 Nov 2021 03:39:28 GMT");
    }

    #[test]
    fn huawei_query_and_authtoken_and_moneyhoney_header() {
        let curl = "curl -X POST -H 'Content-Type: application/json' 'https://www.isvwebsite.com/saasproduce?signature=af71&timestamp=1716363778801&nonce=RLLUammMSInlrNWb' --data '{}'";
        let m = map(
            &recipe("huawei-basic"),
            &parse(curl.as_bytes(), &mut no_files).unwrap(),
            &BTreeMap::new(),
        );
        assert_eq!(
            (m.fields["timestamp"].as_str(), m.fields["nonce"].as_str()),
            ("1716363778801", "RLLUammMSInlrNWb")
        );
        assert_eq!(m.fields["url"], "https://www.isvwebsite.com/saasproduce");
        assert_eq!(m.signature.as_deref(), Some("af71"));
        let get =
            "GET /saasproduce?p1=1&timeStamp=201706211855321&authToken=a%2Bb HTTP/1.1\nHost: h\n\n";
        let m = map(
            &recipe("huawei-authtoken"),
            &parse(get.as_bytes(), &mut no_files).unwrap(),
            &BTreeMap::new(),
        );
        assert_eq!(
            m.body.as_deref(),
            Some(&b"p1=1&timeStamp=201706211855321&authToken=a%2Bb"[..])
        );
        assert_eq!(m.signature.as_deref(), Some("a+b"));
        let raw = "POST /v2/x?q=1 HTTP/1.1\nHost: example.com\nX-Sig: abc\n\n{}";
        let req = parse(raw.as_bytes(), &mut no_files).unwrap();
        let m = map(&recipe("moneyhoney"), &req, &BTreeMap::new());
        assert_eq!(m.signature, None, "no header named yet");
        let given = BTreeMap::from([("header".to_string(), "X-Sig".to_string())]);
        assert_eq!(
            map(&recipe("moneyhoney"), &req, &given)
                .signature
                .as_deref(),
            Some("abc")
        );
    }

    #[test]
    fn linksfield_sign_member() {
        let raw = "POST /api HTTP/1.1\nHost: h\n\n{\"version\": \"2.0\", \"sign\": \"Z8zC\"}";
        let m = map(
            &recipe("linksfield"),
            &parse(raw.as_bytes(), &mut no_files).unwrap(),
            &BTreeMap::new(),
        );
        assert_eq!(m.signature.as_deref(), Some("Z8zC"));
    }

    #[test]
    fn structured_dictionaries_and_header_params() {
        // RFC 9421 appendix B.2.5's headers, and a cavage Signature header.
        let raw = "POST /foo HTTP/1.1\nHost: example.com\nSignature-Input: sig-b25=(\"date\" \"@authority\"   \"content-type\");created=1618884473;keyid=\"test-shared-secret\"\nSignature: sig-b25=:pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=:\nContent-Digest: sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:\n\n{}";
        let req = parse(raw.as_bytes(), &mut no_files).unwrap();
        let m = map(&recipe("rfc9421"), &req, &BTreeMap::new());
        assert!(m.errors.is_empty(), "{:?}", m.errors);
        assert_eq!(m.fields["label"], "sig-b25");
        assert_eq!(
            m.fields["signature_params"],
            "(\"date\" \"@authority\" \"content-type\");created=1618884473;keyid=\"test-shared-secret\""
        );
        assert_eq!(
            m.signature.as_deref(),
            Some("pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=")
        );
        assert_eq!(m.variants["digest"], "sha-512");
        // A label the user picks that the dictionaries lack: one sentence naming each header.
        let given = BTreeMap::from([("label".to_string(), "sig1".to_string())]);
        let m = map(&recipe("rfc9421"), &req, &given);
        assert_eq!(
            m.errors,
            [
                "header Signature-Input has no member `sig1` (it has sig-b25)",
                "header Signature has no member `sig1` (it has sig-b25)"
            ]
        );
        let raw = "GET /a HTTP/1.1\nHost: h\nSignature: keyId=\"k1\",algorithm=\"hmac-sha256\",headers=\"date host\",signature=\"c2ln\"\n\n";
        let m = map(
            &recipe("cavage"),
            &parse(raw.as_bytes(), &mut no_files).unwrap(),
            &BTreeMap::new(),
        );
        assert_eq!(m.fields["key_id"], "k1");
        assert_eq!(m.fields["header_list"], "date host");
        assert_eq!(m.signature.as_deref(), Some("c2ln"));
    }

    #[test]
    fn curl_glob_escapes_in_the_url() {
        // What curl 8 sent for these (the backslash goes unless -g turns globbing off).
        let r = parse(br"curl 'https://h/x?a\[0\]=1&b\{c\}'", &mut no_files).unwrap();
        assert_eq!(r.url, "https://h/x?a[0]=1&b{c}");
        let r = parse(br"curl -g 'https://h/y?a\[0\]=1'", &mut no_files).unwrap();
        assert_eq!(r.url, r"https://h/y?a\[0\]=1");
    }

    #[test]
    fn curl_errors_name_the_line() {
        let e = parse(b"curl https://h/x \\\n -H 'no colon'", &mut no_files).unwrap_err();
        assert_eq!(
            (e.line, e.message.as_str()),
            (2, "the header `no colon` has no `:`")
        );
        let e = parse(b"curl -X", &mut no_files).unwrap_err();
        assert_eq!(e.message, "`-X` needs a value");
        let e = parse(b"curl 'https://h/x", &mut no_files).unwrap_err();
        assert!(e.message.contains("never closed"), "{e}");
        let e = parse(b"curl -s", &mut no_files).unwrap_err();
        assert_eq!(e.message, "the curl command line has no URL");
    }
}
