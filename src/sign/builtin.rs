//! The built-in schemes, embedded from `assets/providers/`.

use super::recipe::{Recipe, RecipeError};

/// The id of the scheme shown when none is named.
pub const DEFAULT_SCHEME: &str = "tpns";

/// (file name, TOML text) of every built-in recipe, in display order.
pub const SOURCES: &[(&str, &str)] = &[
    (
        "tpns.toml",
        include_str!("../../assets/providers/tpns.toml"),
    ),
    (
        "linksfield.toml",
        include_str!("../../assets/providers/linksfield.toml"),
    ),
    (
        "huawei-authtoken.toml",
        include_str!("../../assets/providers/huawei-authtoken.toml"),
    ),
    (
        "huawei-basic.toml",
        include_str!("../../assets/providers/huawei-basic.toml"),
    ),
    (
        "huawei-tenant.toml",
        include_str!("../../assets/providers/huawei-tenant.toml"),
    ),
    (
        "etower.toml",
        include_str!("../../assets/providers/etower.toml"),
    ),
    (
        "moneyhoney.toml",
        include_str!("../../assets/providers/moneyhoney.toml"),
    ),
    (
        "aws-sigv4.toml",
        include_str!("../../assets/providers/aws-sigv4.toml"),
    ),
    (
        "tencent-tc3.toml",
        include_str!("../../assets/providers/tencent-tc3.toml"),
    ),
    (
        "alibaba-rpc.toml",
        include_str!("../../assets/providers/alibaba-rpc.toml"),
    ),
    (
        "oauth1.toml",
        include_str!("../../assets/providers/oauth1.toml"),
    ),
    (
        "github.toml",
        include_str!("../../assets/providers/github.toml"),
    ),
    (
        "stripe.toml",
        include_str!("../../assets/providers/stripe.toml"),
    ),
    (
        "slack.toml",
        include_str!("../../assets/providers/slack.toml"),
    ),
    (
        "shopify.toml",
        include_str!("../../assets/providers/shopify.toml"),
    ),
    (
        "standard-webhooks.toml",
        include_str!("../../assets/providers/standard-webhooks.toml"),
    ),
    (
        "twilio.toml",
        include_str!("../../assets/providers/twilio.toml"),
    ),
    (
        "square.toml",
        include_str!("../../assets/providers/square.toml"),
    ),
    (
        "paddle.toml",
        include_str!("../../assets/providers/paddle.toml"),
    ),
    (
        "razorpay.toml",
        include_str!("../../assets/providers/razorpay.toml"),
    ),
    (
        "adyen.toml",
        include_str!("../../assets/providers/adyen.toml"),
    ),
    (
        "binance.toml",
        include_str!("../../assets/providers/binance.toml"),
    ),
    (
        "kraken.toml",
        include_str!("../../assets/providers/kraken.toml"),
    ),
    ("jwt.toml", include_str!("../../assets/providers/jwt.toml")),
];

/// Every built-in recipe, loaded. A built-in that fails to load is a bug caught by the tests.
pub fn all() -> Result<Vec<Recipe>, (&'static str, RecipeError)> {
    SOURCES
        .iter()
        .map(|(file, text)| Recipe::from_toml(text).map_err(|e| (*file, e)))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_builtin_loads_and_ids_match_files() {
        let all = super::all().unwrap_or_else(|(f, e)| panic!("{f}: {e}"));
        for ((file, _), r) in super::SOURCES.iter().zip(&all) {
            assert_eq!(format!("{}.toml", r.id), *file);
        }
        assert!(all.iter().any(|r| r.id == super::DEFAULT_SCHEME));
    }
}
