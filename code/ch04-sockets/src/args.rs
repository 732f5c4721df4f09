//! A tiny `--flag value` parser, so the examples need no argument crate.
//!
//! Every example takes flags of the form `--name value` (or `--name` alone for
//! a switch). Unknown flags are an error that names the flag: a typo in
//! `--prot 0` should not silently start a server on the default port.
//! `--help` is not parsed here: each program answers it at the top of `main`,
//! before parsing, so it needs nothing from this library.

use std::collections::HashMap;
use std::str::FromStr;

/// The flags a program was given, checked against the ones it knows.
pub struct Args {
    values: HashMap<String, String>,
}

impl Args {
    /// Parses `std::env::args()`. `known` lists the flags the program accepts,
    /// each with `=` after its name if it takes a value (`"port="`, `"quiet"`).
    pub fn parse(known: &[&str]) -> Result<Args, String> {
        Args::parse_from(std::env::args().skip(1), known)
    }

    /// Parses the given words (without the program name).
    pub fn parse_from<I: IntoIterator<Item = String>>(words: I, known: &[&str]) -> Result<Args, String> {
        let mut values = HashMap::new();
        let mut words = words.into_iter();
        while let Some(word) = words.next() {
            let name = word
                .strip_prefix("--")
                .ok_or_else(|| format!("unexpected argument {word:?} (flags start with --; --help lists them)"))?;
            if known.contains(&name) {
                values.insert(name.to_string(), String::new());
            } else if known.contains(&format!("{name}=").as_str()) {
                let value = words.next().ok_or_else(|| format!("--{name} needs a value"))?;
                values.insert(name.to_string(), value);
            } else {
                let list: Vec<String> = known.iter().map(|k| format!("--{}", k.trim_end_matches('='))).collect();
                return Err(format!("unknown flag --{name} (known: {}; --help explains them)", list.join(", ")));
            }
        }
        Ok(Args { values })
    }

    /// The value of `--name`, or `default` if it was not given.
    pub fn get<T: FromStr>(&self, name: &str, default: T) -> Result<T, String>
    where
        T::Err: std::fmt::Display,
    {
        match self.values.get(name) {
            None => Ok(default),
            Some(v) => v.parse().map_err(|e| format!("--{name} {v:?}: {e}")),
        }
    }

    /// The value of `--name` if it was given.
    pub fn opt<T: FromStr>(&self, name: &str) -> Result<Option<T>, String>
    where
        T::Err: std::fmt::Display,
    {
        self.values.get(name).map(|v| v.parse().map_err(|e| format!("--{name} {v:?}: {e}"))).transpose()
    }

    /// Whether the switch `--name` was given.
    pub fn flag(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn flags_with_values_and_switches_are_read() {
        let a = Args::parse_from(words("--port 0 --quiet"), &["port=", "quiet", "count="]).unwrap();
        assert_eq!(a.get("port", 8888u16).unwrap(), 0);
        assert_eq!(a.get("count", 7u32).unwrap(), 7);
        assert!(a.flag("quiet"));
    }

    #[test]
    fn an_unknown_flag_is_an_error_that_names_it() {
        let err = Args::parse_from(words("--prot 0"), &["port="]).err().unwrap();
        assert!(err.contains("--prot"), "{err}");
        assert!(err.contains("--help"), "the error points to --help: {err}");
    }

    #[test]
    fn a_bad_value_is_an_error_that_names_the_flag() {
        let a = Args::parse_from(words("--port x"), &["port="]).unwrap();
        assert!(a.get("port", 0u16).unwrap_err().contains("--port"));
    }
}
