fn main() -> std::process::ExitCode {
    sigscope::cli::main()
}
