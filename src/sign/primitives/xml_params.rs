//! `xml_params = T` with `sort`, `skip`, `omit`: the elements of a flat XML document (WeChat Pay
//! v2's `<xml><name><![CDATA[value]]></name>…</xml>`) as `name=value&…`.
//!
//! The pairs are written here, not handed to `params` as text: a value may hold `&` or `=` (a
//! notify_url with a query), which `k=v&…` text cannot carry back unchanged.

use std::sync::Arc;

use crate::sign::SignError;
use crate::sign::args::{ArgSpec, ArgWords, Kind};
use crate::sign::choice::{Param, Selection};
use crate::sign::lower::{Arg, Call, Func};
use crate::sign::primitive::{Expected, Out, Primitive, Scope, Spec, Vector, check_size, name_of};
use crate::sign::template::Template;
use crate::sign::xml::read_flat;

pub const SPEC: Spec = Spec {
    name: "xml_params",
    summary: "the root's child elements of a flat XML document (`<xml><a>1</a><b><![CDATA[x]]></b></xml>`: CDATA unwrapped, entities decoded) as `name=value&…`, values as they are, some omitted or dropped when empty, sorted; a DOCTYPE, a nested or a repeated element is an error naming its line and column",
    main: ArgSpec::required("xml_params", Kind::Template, "a flat XML document"),
    args: &[
        ArgSpec::optional(
            "sort",
            Kind::Words(XmlSort::WORDS),
            "none",
            "the order: as written or by name",
        ),
        ArgSpec::optional(
            "skip",
            Kind::Words(XmlSkip::WORDS),
            "none",
            "elements dropped by value",
        ),
        ArgSpec::optional("omit", Kind::Names, "", "elements dropped by name"),
    ],
    func: &FUNC,
    build: |a| {
        Ok(Arc::new(XmlParams {
            input: a.main()?,
            sort: a.get("sort")?,
            skip: a.get("skip")?,
            omit: a.words("omit")?,
        }))
    },
    vectors: &[Vector {
        stage: "xml_params = \"{body}\"\nsort = \"name\"\nskip = \"empty\"\nomit = [\"sign\"]",
        key: "",
        body: "<xml><appid>wxd930ea5d5a258f4f</appid><mch_id>10000100</mch_id><device_info>1000</device_info><body>test</body><nonce_str>ibuaiVcKdpRxkhJA</nonce_str><attach></attach><sign>9A0A8659F005D6984697E2CA0A9CF3B7</sign></xml>",
        expected: Expected::Text(
            "appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA",
        ),
        source: "WeChat Pay, 安全规范 (pay.weixin.qq.com/wiki/doc/api/jsapi.php?chapter=4_3): stringA of its example parameters",
    }],
    file: file!(),
};

const FUNC: Func = Func::helper("xml_params", &["text", "sort", "skip", "omit"]);

/// The order of the pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum XmlSort {
    None,
    /// By name, byte order.
    Name,
}
crate::arg_words!(XmlSort, { "none" => XmlSort::None, "name" => XmlSort::Name });

/// Which elements are dropped by their value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum XmlSkip {
    None,
    /// An element with no text (`<a/>`, `<a></a>`, `<a><![CDATA[]]></a>`).
    Empty,
}
crate::arg_words!(XmlSkip, { "none" => XmlSkip::None, "empty" => XmlSkip::Empty });

#[derive(Debug, Clone)]
struct XmlParams {
    input: Param<Template>,
    sort: Param<XmlSort>,
    skip: Param<XmlSkip>,
    omit: Vec<String>,
}

impl Primitive for XmlParams {
    fn inputs(&self, sel: &Selection) -> Vec<&Template> {
        vec![self.input.get(sel)]
    }

    fn eval(&self, scope: &dyn Scope, sel: &Selection) -> Result<Out, SignError> {
        let t = self.input.get(sel);
        let text = scope.render(t)?;
        check_size(scope, t, text.bytes.len())?;
        let invalid = |line, column, message| SignError::InvalidXml {
            stage: scope.stage().to_string(),
            input: scope.input_name(t),
            line,
            column,
            message,
        };
        let flat = read_flat(&text.bytes).map_err(|e| invalid(e.line, e.column, e.message))?;
        for (i, e) in flat.elements.iter().enumerate() {
            if let Some(first) = flat.elements[..i].iter().find(|f| f.name == e.name) {
                return Err(invalid(
                    e.line,
                    e.column,
                    format!(
                        "<{}> appears again (first at line {}, column {}): which one is signed is not defined",
                        e.name, first.line, first.column
                    ),
                ));
            }
        }
        let skip_empty = *self.skip.get(sel) == XmlSkip::Empty;
        let mut kept: Vec<_> = flat
            .elements
            .iter()
            .filter(|e| !self.omit.contains(&e.name))
            .filter(|e| !(skip_empty && e.value.is_empty()))
            .collect();
        if *self.sort.get(sel) == XmlSort::Name {
            kept.sort_by(|a, b| a.name.cmp(&b.name));
        }
        let mut out = Vec::new();
        for (i, e) in kept.iter().enumerate() {
            if i > 0 {
                out.push(b'&');
            }
            out.extend_from_slice(e.name.as_bytes());
            out.push(b'=');
            out.extend_from_slice(&e.value);
        }
        Ok(out.into())
    }

    fn describe(&self, sel: &Selection) -> String {
        let mut words = vec![
            match self.sort.get(sel) {
                XmlSort::None => "in document order",
                XmlSort::Name => "sorted by name",
            }
            .to_string(),
        ];
        if *self.skip.get(sel) == XmlSkip::Empty {
            words.push("empty elements dropped".to_string());
        }
        if !self.omit.is_empty() {
            words.push(format!("without {}", self.omit.join(", ")));
        }
        format!(
            "k=v&… of the XML elements of {}: {}",
            name_of(self.input.get(sel)),
            words.join(", ")
        )
    }

    fn costly(&self) -> bool {
        true
    }

    fn lower(&self, sel: &Selection) -> Option<Call> {
        let sort = match self.sort.get(sel) {
            XmlSort::None => "none",
            XmlSort::Name => "name",
        };
        let skip = match self.skip.get(sel) {
            XmlSkip::None => "none",
            XmlSkip::Empty => "empty",
        };
        Some(Call::new(
            &FUNC,
            vec![
                Arg::Bytes(self.input.get(sel).clone()),
                Arg::Text(sort.to_string()),
                Arg::Text(skip.to_string()),
                Arg::Texts(self.omit.clone()),
            ],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::primitive::{eval_over_values, fixed};

    fn prim(sort: XmlSort, skip: XmlSkip, omit: &[&str]) -> XmlParams {
        XmlParams {
            input: fixed("{body}"),
            sort: Param::Fixed(sort),
            skip: Param::Fixed(skip),
            omit: omit.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn eval(p: &XmlParams, body: &str) -> Result<String, SignError> {
        eval_over_values(p, &[("body", body.as_bytes())]).map(|b| String::from_utf8(b).unwrap())
    }

    #[test]
    fn wechatpy_signs_these_parameters_of_its_xml_body() {
        // The unifiedorder request wechatpy 1.8.18 sent (tests/fixtures/catalog/api-f-wechatpay)
        // and the string its calculate_signature hashed (as gen.py prints it) less `&key=…`: the
        // empty <attach> and <sign> left out, the rest sorted, notify_url's value as it is.
        let body = "<xml>\n<appid><![CDATA[wx2421b1c4370ec43b]]></appid>\n<attach><![CDATA[]]></attach>\n<body><![CDATA[JSAPI test]]></body>\n<mch_id>10000100</mch_id>\n<nonce_str><![CDATA[5K8264ILTKCH16CQ2502SI8ZNMTM67VS]]></nonce_str>\n<notify_url><![CDATA[https://example.com/wxpay/notify]]></notify_url>\n<openid><![CDATA[oUpF8uMuAJO_M2pxb1Q9zNjWeS6o]]></openid>\n<out_trade_no>20260114093000001</out_trade_no>\n<spbill_create_ip><![CDATA[203.0.113.7]]></spbill_create_ip>\n<total_fee>1</total_fee>\n<trade_type><![CDATA[JSAPI]]></trade_type>\n<sign><![CDATA[1181787FD1CCDA75934C7C8746545CEE]]></sign>\n</xml>";
        let p = prim(XmlSort::Name, XmlSkip::Empty, &["sign"]);
        assert_eq!(
            eval(&p, body).unwrap(),
            "appid=wx2421b1c4370ec43b&body=JSAPI test&mch_id=10000100&nonce_str=5K8264ILTKCH16CQ2502SI8ZNMTM67VS&notify_url=https://example.com/wxpay/notify&openid=oUpF8uMuAJO_M2pxb1Q9zNjWeS6o&out_trade_no=20260114093000001&spbill_create_ip=203.0.113.7&total_fee=1&trade_type=JSAPI"
        );
        // In document order, nothing dropped; `&` and `=` inside a value stay as they are.
        let p = prim(XmlSort::None, XmlSkip::None, &[]);
        assert_eq!(
            eval(&p, "<xml><b>x=1&amp;y=2</b><a/></xml>").unwrap(),
            "b=x=1&y=2&a="
        );
    }

    #[test]
    fn bad_documents_name_the_stage_and_the_place() {
        let p = prim(XmlSort::Name, XmlSkip::Empty, &[]);
        let e = eval(&p, "<xml>\n<a>1</a>\n<a>2</a>\n</xml>").unwrap_err();
        assert_eq!(
            e.to_string(),
            "body: invalid XML at line 3, column 1 (stage `test`): <a> appears again (first at line 2, column 1): which one is signed is not defined"
        );
        let e = eval(&p, "{\"a\":1}").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("body: invalid XML at line 1, column 1 (stage `test`)"),
            "{e}"
        );
        let e = eval(&p, "<!DOCTYPE x [<!ENTITY a \"b\">]><x><a>&a;</a></x>").unwrap_err();
        assert!(e.to_string().contains("DOCTYPE is refused"), "{e}");
    }
}
