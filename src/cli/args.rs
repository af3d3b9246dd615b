//! The command line's shape: the clap types of every command and its flags, and what the flags
//! say before anything is read (the key flags are [`KeySource`], in key.rs, beside the code that
//! reads them).

use std::ffi::OsString;
use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use super::key::KeySource;
use crate::wire::client::Target;
use crate::wire::http1::Limits;
use crate::wire::listen::{DEFAULT_PORT, Respond};

#[derive(Parser, Debug)]
#[command(
    name = "sigscope",
    version,
    about = "Debug request signatures (HMAC, Ed25519, ECDSA, RSA): every stage of the signature, visible",
    long_about = "Debug request signatures (HMAC, Ed25519, ECDSA, RSA): every stage of the signature, visible.\n\n\
        With no command, sigscope opens the terminal UI on a scheme's documented example (or on \
        the inputs given); when standard input or output is not a terminal, it prints the trace \
        instead.",
    after_help = "Examples:\n  \
        sigscope                                  the TUI on the tpns example\n  \
        sigscope -p aws-sigv4 --example           the TUI on another scheme's example\n  \
        sigscope -p tpns --request cust.curl      the TUI on a customer's request\n  \
        sigscope sign -p tpns --example --format trace\n  \
        sigscope providers",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub inputs: InputArgs,
    /// The signature to compare with.
    #[arg(long, value_name = "SIGNATURE")]
    pub expect: Option<String>,
    /// Reopen a session from history: the latest, or the Nth latest (never with its key: give
    /// one, or it comes from the session's profile).
    #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "1")]
    pub resume: Option<usize>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Sign a request and print the signature, headers, trace, a ready request or code.
    #[command(after_help = "Examples:\n  \
        sigscope sign -p tpns --example --format headers\n  \
        sigscope sign -p tpns --key-env TPNS_SECRET --set access_id=1500001048 --body-file push.json\n  \
        sigscope sign -p aws-sigv4 --example --format trace\n  \
        sigscope sign -p stripe --example --format code --lang python > sign.py\n  \
        sigscope sign -p tpns --request cust.curl --format bundle > case.json")]
    Sign(SignArgs),
    /// Compare the computed signature with an expected one: exit 0 match, 1 mismatch.
    #[command(after_help = "Examples:\n  \
        sigscope verify -p tpns --key-env TPNS_SECRET --body-file push.json --expect 'NTk3…'\n  \
        sigscope verify --request webhook.http --key-env STRIPE_SECRET\n  \
        sigscope verify --bundle case.json --key-env TPNS_SECRET")]
    Verify(VerifyArgs),
    /// Find the smallest set of differences that reproduces an expected signature: exit 0
    /// explained, 1 not found.
    #[command(after_help = "Examples:\n  \
        sigscope diagnose -p moneyhoney --key-env MH_KEY --request cust.http\n  \
        sigscope diagnose -p tpns --key-env TPNS_SECRET --body-file push.json --expect 'Zm9v…'")]
    Diagnose(DiagnoseArgs),
    /// Receive requests on a local port, byte-exact, and verify each as it arrives (one line,
    /// or one JSON object, a request on standard output): exit 0 when every request matched.
    #[command(after_help = "Examples:\n  \
        sigscope listen -p github --key-env GH_SECRET\n  \
        sigscope listen -p github --key-env GH_SECRET --forward http://127.0.0.1:3000\n  \
        sigscope listen --key-env STRIPE_SECRET --port 0 --format json --save captures/\n  \
        sigscope verify --request captures/000001-1795000000000-POST.http --key-env GH_SECRET")]
    Listen(ListenArgs),
    /// Sign a request and send it (the URL from the scheme's url field), then print the
    /// server's answer and timings; where the answer says what the server signed, the first line
    /// and byte where it differs from ours. Exit 0 on 2xx, 1 otherwise.
    #[command(after_help = "Examples:\n  \
        sigscope send -p github --key-env GH_SECRET --set url=http://127.0.0.1:3000/hook --body-file event.json\n  \
        sigscope send -p aws-sigv4 --key-env AWS_SECRET_ACCESS_KEY --set access_key_id=AKIA… --set url=https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15\n  \
        sigscope send -p tpns --example --dry-run")]
    Send(SendArgs),
    /// Find the scheme of a provider no catalog has from genuine requests and the key: prints a
    /// complete recipe that verifies them (exit 0 found, 1 not found).
    #[command(after_help = "Examples:\n  \
        sigscope learn --key-env ACME_SECRET --request delivery.http > acme.toml\n  \
        sigscope learn --key-env ACME_SECRET --request one.http --request two.http\n  \
        sigscope verify --recipe acme.toml --key-env ACME_SECRET --request three.http")]
    Learn(LearnArgs),
    /// List the schemes (built-in, and a --recipe file's).
    #[command(after_help = "Examples:\n  \
        sigscope providers\n  \
        sigscope providers --format json\n  \
        sigscope providers --recipe acme.toml")]
    Providers(ProvidersArgs),
    /// List the profiles of the config file (their key sources named, never run).
    #[command(after_help = "Examples:\n  \
        sigscope profiles\n  \
        sigscope profiles --config ./team.toml --format json\n  \
        sigscope -P acme                          the TUI on a profile\n  \
        sigscope sign -P acme --body-file push.json")]
    Profiles(ProfilesArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    #[command(after_help = "Examples:\n  \
        sigscope completions bash > ~/.local/share/bash-completion/completions/sigscope\n  \
        sigscope completions zsh > ~/.zfunc/_sigscope\n  \
        sigscope completions fish > ~/.config/fish/completions/sigscope.fish")]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) of sigscope or of one of its commands.
    #[command(after_help = "Examples:\n  \
        sigscope man | man -l -\n  \
        sigscope man sign > sigscope-sign.1")]
    Man {
        /// The command whose page to print (the main page when none).
        #[arg(value_name = "COMMAND")]
        command: Option<String>,
    },
}

#[derive(Args, Debug)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    /// The signature to compare with.
    #[arg(long, value_name = "SIGNATURE")]
    pub expect: Option<String>,
    /// What to print: the readable verdict, or one JSON object (fields in the README).
    #[arg(long, value_enum, default_value_t = VerdictFormat::Text)]
    pub format: VerdictFormat,
    /// Print nothing; the exit code is the verdict (errors still get their line on stderr).
    #[arg(long, short = 'q', conflicts_with = "format")]
    pub quiet: bool,
    /// The string the server says it signed (its canonical request or string to sign, pasted
    /// into a file): the first line and byte where it differs from ours.
    #[arg(long, value_name = "PATH")]
    pub their_canonical: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct DiagnoseArgs {
    #[command(flatten)]
    pub verify: VerifyArgs,
    /// Signings to try at most before stopping with "searched N of M candidates".
    #[arg(long, value_name = "N", default_value_t = crate::diagnose::DEFAULT_MAX_CANDIDATES)]
    pub max_candidates: usize,
}

#[derive(Args, Debug)]
pub struct LearnArgs {
    #[command(flatten)]
    pub key_source: KeySource,
    /// A genuine request, in any format --request reads: raw HTTP, a curl (bash or cmd),
    /// PowerShell, fetch, HTTPie or wget line, a HAR file or a collection that holds one
    /// request (repeatable: the recipe found must verify every one; `-` is standard input).
    #[arg(long, value_name = "PATH", required = true)]
    pub request: Vec<PathBuf>,
    /// What to print: the recipe (TOML), or one JSON object with it and how it was found.
    #[arg(long, value_enum, default_value_t = LearnFormat::Toml)]
    pub format: LearnFormat,
    /// Which request of a HAR file or a collection each --request reads: its number or name
    /// (an unknown provider's signature is recognized by no scheme, so several need it).
    #[arg(long, value_name = "N|NAME")]
    pub entry: Option<String>,
    /// Values for a collection's {{variables}} (as for the other commands).
    #[arg(long, value_name = "FILE|NAME")]
    pub environment: Option<PathBuf>,
    /// Constructions to try at most before stopping with "searched N".
    #[arg(long, value_name = "N", default_value_t = crate::learn::DEFAULT_MAX_CANDIDATES)]
    pub max_candidates: usize,
    /// Read the local files a --request curl line names (`-d @file`).
    #[arg(long)]
    pub allow_request_files: bool,
    /// Take the key source of a profile of the config file.
    #[arg(short = 'P', long, value_name = "NAME")]
    pub profile: Option<String>,
    /// The config file (default: config.toml in the platform's config directory).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Print nothing on standard error (the recipe still goes to standard output).
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Output formats of `learn`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LearnFormat {
    Toml,
    Json,
}

/// Output formats of `verify` and `diagnose`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerdictFormat {
    Text,
    Json,
}

/// A scheme id: any text (a recipe of the user's may bring its own), with the built-in ids as
/// the values shell completions offer.
#[derive(Clone, Debug)]
pub struct SchemeId;

impl clap::builder::TypedValueParser for SchemeId {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(crate::sign::builtin::SOURCES.iter().map(
            |(file, _)| clap::builder::PossibleValue::new(file.trim_end_matches(".toml")),
        )))
    }
}

/// The inputs of a signature, shared by every command.
#[derive(Args, Debug, Clone, Default)]
pub struct InputArgs {
    /// The scheme (see `sigscope providers`).
    #[arg(
        short = 'p',
        long = "scheme",
        visible_alias = "provider",
        value_name = "SCHEME",
        value_parser = SchemeId,
        hide_possible_values = true
    )]
    pub scheme: Option<String>,
    /// A scheme field, NAME=VALUE (repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    #[command(flatten)]
    pub key_source: KeySource,
    /// The body, as text.
    #[arg(long, value_name = "TEXT", group = "body_source")]
    pub body: Option<OsString>,
    /// The body, from a file (exact bytes; `-` is standard input).
    #[arg(long, value_name = "PATH", group = "body_source")]
    pub body_file: Option<PathBuf>,
    /// A variant choice, NAME=CHOICE (repeatable).
    #[arg(long = "variant", value_name = "NAME=CHOICE")]
    pub variants: Vec<String>,
    /// A request header `Name: value` (repeatable): the header list of schemes that sign headers
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// Use a scheme from a recipe file (the README's "Writing a recipe").
    #[arg(long, value_name = "PATH")]
    pub recipe: Option<PathBuf>,
    /// Start from the scheme's documented example; explicit flags override its values.
    #[arg(long)]
    pub example: bool,
    /// Take fields, body and the received signature from a request (`-` is standard input):
    /// raw HTTP, a curl (bash or cmd), PowerShell, fetch, HTTPie or wget command line, a HAR
    /// file, a Postman, Insomnia or Bruno collection; explicit flags win over its values.
    #[arg(long, value_name = "PATH")]
    pub request: Option<PathBuf>,
    /// Which request of a HAR file or a collection --request reads: its number in the list, or
    /// its name (a collection item's name or Folder/Name, a part of a HAR entry's URL). Without
    /// it, the one that carries a signature.
    #[arg(long, value_name = "N|NAME", requires = "request")]
    pub entry: Option<String>,
    /// Values for a collection's {{variables}}: a Postman, Insomnia or Bruno environment file,
    /// or KEY=VALUE lines; or the name of an environment an Insomnia export holds.
    #[arg(long, value_name = "FILE|NAME", requires = "request")]
    pub environment: Option<PathBuf>,
    /// Load a redacted repro bundle (everything but the key; see `sign --format bundle`).
    #[arg(long, value_name = "PATH")]
    pub bundle: Option<PathBuf>,
    /// Read the local files a --request curl line names (`-d @file`); off by default, since a
    /// customer's line can name any file. Standard input and devices are never read.
    #[arg(long)]
    pub allow_request_files: bool,
    /// Start from a profile of the config file: its scheme, fields, variants and key source
    /// (explicit flags win).
    #[arg(short = 'P', long, value_name = "NAME")]
    pub profile: Option<String>,
    /// The config file (default: config.toml in the platform's config directory).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// A recipe's text to use (a resumed session's scheme that is not built in).
    #[arg(skip)]
    pub recipe_text: Option<String>,
    /// A line for the TUI's status bar at start.
    #[arg(skip)]
    pub start_note: Option<String>,
}

#[derive(Args, Debug)]
pub struct SignArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    /// What to print.
    #[arg(long, value_enum, default_value_t = Format::Signature)]
    pub format: Format,
    /// The language of `--format code`: python, javascript, go, java, php, ruby or bash.
    #[arg(long, value_name = "LANG", value_parser = parse_lang)]
    pub lang: Option<crate::code::Lang>,
    /// In `--format json`, the exact bytes of stages that hold the key (or a key derived from
    /// it) and of secret fields, which are masked otherwise.
    #[arg(long)]
    pub reveal: bool,
}

fn parse_lang(name: &str) -> Result<crate::code::Lang, String> {
    crate::code::Lang::parse(name).ok_or_else(|| {
        let names: Vec<&str> = crate::code::Lang::ALL.iter().map(|l| l.name()).collect();
        format!(
            "unknown language `{name}`; choose one of {}",
            names.join(", ")
        )
    })
}

/// Output formats of `sign`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The signature alone.
    Signature,
    /// The lines that carry it: headers (with the request line when it goes in the query, and
    /// the body when it goes in the body).
    Headers,
    /// One JSON object: signature, stages, placement, fields.
    Json,
    /// Every stage, made readable.
    Trace,
    /// A curl command line.
    Curl,
    /// A raw HTTP/1.1 request.
    Http,
    /// A redacted repro bundle (JSON): everything but the key, and a fingerprint of each stage.
    Bundle,
    /// A program in `--lang` that computes this signature, stage by stage (the key from
    /// SIGSCOPE_KEY, the body from a file or standard input).
    Code,
}

#[derive(Args, Debug)]
pub struct ProvidersArgs {
    /// Only the schemes that answer these words, best first (ids, then names, then
    /// descriptions): `sigscope providers azure`.
    #[arg(value_name = "WORDS")]
    pub query: Vec<String>,
    /// Also list the scheme of this recipe file.
    #[arg(long, value_name = "PATH")]
    pub recipe: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

#[derive(Args, Debug)]
pub struct ProfilesArgs {
    /// The config file (default: config.toml in the platform's config directory).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListFormat {
    Text,
    Json,
}

impl InputArgs {
    /// Puts field values and variant choices under the flags' own (which come later, and win).
    pub fn put_under(
        &mut self,
        fields: &std::collections::BTreeMap<String, String>,
        variants: &std::collections::BTreeMap<String, String>,
    ) {
        let pairs = |m: &std::collections::BTreeMap<String, String>| -> Vec<String> {
            m.iter().map(|(k, v)| format!("{k}={v}")).collect()
        };
        let mut set = pairs(fields);
        set.append(&mut self.set);
        self.set = set;
        let mut chosen = pairs(variants);
        chosen.append(&mut self.variants);
        self.variants = chosen;
    }

    /// Whether any input value was given (a scheme or recipe alone is not a value).
    pub fn has_values(&self) -> bool {
        !self.set.is_empty()
            || self.key_source.is_given()
            || self.body.is_some()
            || self.body_file.is_some()
            || !self.variants.is_empty()
            || self.example
            || self.request.is_some()
            || self.bundle.is_some()
    }
}

/// What `listen` takes of the input flags: the scheme, the key, fields and variants (a request's
/// body, headers and signature come from the wire).
#[derive(Args, Debug, Clone)]
#[command(mut_args(listen_key_hex_help))]
pub struct ListenInputs {
    /// The scheme (see `sigscope providers`); without it, each request's is recognized.
    #[arg(
        short = 'p',
        long = "scheme",
        visible_alias = "provider",
        value_name = "SCHEME",
        value_parser = SchemeId,
        hide_possible_values = true
    )]
    pub scheme: Option<String>,
    /// A field that wins over the request's, NAME=VALUE (repeatable): the URL a sender signed
    /// before a tunnel changed it, say.
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    #[command(flatten)]
    pub key_source: KeySource,
    /// A variant choice, NAME=CHOICE (repeatable).
    #[arg(long = "variant", value_name = "NAME=CHOICE")]
    pub variants: Vec<String>,
    /// Use a scheme from a recipe file.
    #[arg(long, value_name = "PATH")]
    pub recipe: Option<PathBuf>,
    /// Start from a profile of the config file: its scheme, variants and key source.
    #[arg(short = 'P', long, value_name = "NAME")]
    pub profile: Option<String>,
    /// The config file (default: config.toml in the platform's config directory).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
}

/// listen's page has always given --key-hex a shorter line than the other pages; it stayed as it
/// was when the key flags became one struct. (`mut_arg` would move the flag to the end of the
/// completion scripts; `mut_args` keeps every flag in its place.)
fn listen_key_hex_help(arg: clap::Arg) -> clap::Arg {
    if arg.get_id() == "key_hex" {
        arg.help("The key, as hex digits")
    } else {
        arg
    }
}

impl ListenInputs {
    /// The input flags these are (the rest left empty).
    pub fn input_args(&self) -> InputArgs {
        InputArgs {
            scheme: self.scheme.clone(),
            set: self.set.clone(),
            key_source: self.key_source.clone(),
            variants: self.variants.clone(),
            recipe: self.recipe.clone(),
            profile: self.profile.clone(),
            config: self.config.clone(),
            ..InputArgs::default()
        }
    }
}

#[derive(Args, Debug)]
pub struct ListenArgs {
    #[command(flatten)]
    pub inputs: ListenInputs,
    /// The port (0 picks a free one, named on the first line of standard error).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_PORT)]
    pub port: u16,
    /// The address to listen on; anything but loopback lets other machines send to it.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// The answer: a status (200 unless told), or `verdict` (200 on a match, 401 otherwise).
    /// The text is one fixed line per outcome; `verdict-detail` adds where the signatures
    /// differ and what diagnose found, which lets a sender forge a signature (for a sender you
    /// own, on loopback). With --forward, the app's answer is relayed instead.
    #[arg(long, value_name = "STATUS", default_value = "200")]
    pub respond: Respond,
    /// Pass each request on to an app (same bytes, the target under this URL's path) and
    /// answer with the app's answer.
    #[arg(long, value_name = "URL", value_parser = Target::parse)]
    pub forward: Option<Target>,
    /// Write each request to this folder as a raw HTTP file (`--request` reads it back).
    #[arg(long, value_name = "DIR")]
    pub save: Option<PathBuf>,
    /// One line a request, or one JSON object a line.
    #[arg(long, value_enum, default_value_t = VerdictFormat::Text)]
    pub format: VerdictFormat,
    /// Stop after N requests.
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// Bytes a body may have (413 past it).
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_body)]
    pub max_body_bytes: usize,
    /// Bytes a request head may have (431 past it).
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_head)]
    pub max_header_bytes: usize,
    /// Seconds a sender may take from a request's first byte to the end of its head (408 past
    /// it).
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub header_timeout: f64,
    /// Seconds a --forward may take in all, from connecting to the app's last byte (502 past
    /// it, however slowly the app trickles its answer).
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    pub forward_timeout: f64,
    /// Seconds a kept-alive connection may idle, and a body may pause.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    pub idle_timeout: f64,
    /// Connections at once (one more gets 503).
    #[arg(long, value_name = "N", default_value_t = 512)]
    pub max_connections: usize,
    /// Signings a diagnose of a mismatch may try.
    #[arg(long, value_name = "N", default_value_t = crate::diagnose::DEFAULT_MAX_CANDIDATES)]
    pub max_candidates: usize,
    /// Trust this PEM certificate (and the system's roots) for an https --forward.
    #[arg(long, value_name = "PATH")]
    pub cacert: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct SendArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    /// Trust this PEM certificate besides the system's roots (a test server's, say).
    #[arg(long, value_name = "PATH")]
    pub cacert: Option<PathBuf>,
    /// Seconds to wait for the connection, and for each part of the answer.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    pub timeout: f64,
    /// Bytes of the answer's body to read at most.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_body)]
    pub max_body_bytes: usize,
    /// The request, the answer and the comparisons as text, or one JSON object.
    #[arg(long, value_enum, default_value_t = VerdictFormat::Text)]
    pub format: VerdictFormat,
    /// Print the request that would be sent, and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The request's URL (signed as the scheme's `url` field when it has one).
    #[arg(long = "url", value_name = "URL", conflicts_with = "url_arg")]
    pub url: Option<String>,
    /// The request's URL, as --url.
    #[arg(value_name = "URL")]
    pub url_arg: Option<String>,
    /// Send to another host: scheme, host and port (and a path prefix) from BASE, the request's
    /// own path, query and headers kept (`--request capture.http --to http://127.0.0.1:3000`).
    #[arg(long, value_name = "BASE")]
    pub to: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
