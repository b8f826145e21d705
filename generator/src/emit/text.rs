//! Rust written as text, laid out the way rustfmt lays it out (100 columns, four-space indents),
//! for the parts of the crate too large to go through syn and prettyplease in the time
//! `generate` has: the navigation surface's thousands of methods. Each expression is written on
//! one line where it fits, else broken at its outermost parts, one argument a line.

use proc_macro2::{TokenStream, TokenTree};

/// The widest line written, as rustfmt's default.
pub const MAX_WIDTH: usize = 100;

/// An expression to lay out.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// Text that never breaks: a path, a literal, `self.path`.
    Atom(String),
    /// `head(arguments)`.
    Call(String, Vec<Expr>),
    /// `&[items]`.
    SliceRef(Vec<Expr>),
    /// A receiver and the method calls made on it: `receiver.a(x).b(y)`.
    Chain(Box<Expr>, Vec<Expr>),
    /// `Name { field: value }`.
    Struct(String, Vec<(String, Expr)>),
}

impl Expr {
    pub fn atom(text: impl Into<String>) -> Expr {
        Expr::Atom(text.into())
    }

    pub fn call(head: impl Into<String>, arguments: Vec<Expr>) -> Expr {
        Expr::Call(head.into(), arguments)
    }

    /// A string literal, escaped as Rust writes it.
    pub fn string(text: &str) -> Expr {
        Expr::Atom(proc_macro2::Literal::string(text).to_string())
    }

    /// The expression on one line.
    pub fn flat(&self) -> String {
        let mut out = String::new();
        self.write_flat(&mut out);
        out
    }

    fn write_flat(&self, out: &mut String) {
        let list = |out: &mut String, items: &[Expr]| {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                item.write_flat(out);
            }
        };
        match self {
            Expr::Atom(text) => out.push_str(text),
            Expr::Call(head, arguments) => {
                out.push_str(head);
                out.push('(');
                list(out, arguments);
                out.push(')');
            }
            Expr::SliceRef(items) => {
                out.push_str("&[");
                list(out, items);
                out.push(']');
            }
            Expr::Chain(receiver, calls) => {
                receiver.write_flat(out);
                for call in calls {
                    out.push('.');
                    call.write_flat(out);
                }
            }
            Expr::Struct(name, fields) => {
                out.push_str(name);
                out.push_str(" {");
                for (i, (field, value)) in fields.iter().enumerate() {
                    out.push_str(if i == 0 { " " } else { ", " });
                    out.push_str(field);
                    out.push_str(": ");
                    value.write_flat(out);
                }
                out.push_str(" }");
            }
        }
    }

    /// Writes the expression from column `column` of a line indented by `indent` spaces, with
    /// `tail` (`,`, `;` or nothing) right after it; no newline after.
    pub fn write(&self, out: &mut String, indent: usize, column: usize, tail: &str) {
        let flat = self.flat();
        if column + flat.len() + tail.len() <= MAX_WIDTH || matches!(self, Expr::Atom(_)) {
            out.push_str(&flat);
            out.push_str(tail);
            return;
        }
        let inner = indent + 4;
        let items = |out: &mut String, items: &[Expr]| {
            for item in items {
                out.push('\n');
                pad(out, inner);
                item.write(out, inner, inner, ",");
            }
            out.push('\n');
            pad(out, indent);
        };
        match self {
            Expr::Atom(_) => {}
            Expr::Call(head, arguments) => {
                out.push_str(head);
                out.push('(');
                items(out, arguments);
                out.push(')');
            }
            Expr::SliceRef(elements) => {
                out.push_str("&[");
                items(out, elements);
                out.push(']');
            }
            Expr::Struct(name, fields) => {
                out.push_str(name);
                out.push_str(" {");
                for (field, value) in fields {
                    out.push('\n');
                    pad(out, inner);
                    out.push_str(field);
                    out.push_str(": ");
                    value.write(out, inner, inner + field.len() + 2, ",");
                }
                out.push('\n');
                pad(out, indent);
                out.push('}');
            }
            Expr::Chain(receiver, calls) => {
                // A receiver on one line has its calls indented under it; a broken one ends
                // at the indent, where its calls go.
                let receiver_flat = receiver.flat();
                let calls_at = if column + receiver_flat.len() <= MAX_WIDTH {
                    out.push_str(&receiver_flat);
                    inner
                } else {
                    receiver.write(out, indent, column, "");
                    indent
                };
                for call in calls {
                    out.push('\n');
                    pad(out, calls_at);
                    out.push('.');
                    call.write(out, calls_at, calls_at + 1, "");
                }
            }
        }
        out.push_str(tail);
    }
}

/// A statement of a function body.
#[derive(Debug, Clone, PartialEq)]
pub enum Stmt {
    /// `let name = value;`
    Let(&'static str, Expr),
    /// `value;`
    Expr(Expr),
}

impl Stmt {
    /// The statement on its own line at `indent` spaces.
    pub fn push(&self, out: &mut String, indent: usize) {
        pad(out, indent);
        match self {
            Stmt::Let(name, value) => {
                out.push_str("let ");
                out.push_str(name);
                out.push_str(" = ");
                value.write(out, indent, indent + name.len() + 7, ";");
            }
            Stmt::Expr(value) => value.write(out, indent, indent, ";"),
        }
        out.push('\n');
    }
}

/// A match arm at `indent` spaces: `pattern => value,` where it fits, else the value in a
/// block of its own.
pub fn push_arm(out: &mut String, indent: usize, pattern: &str, value: &Expr) {
    let flat = value.flat();
    pad(out, indent);
    if indent + pattern.len() + flat.len() + 5 <= MAX_WIDTH {
        out.push_str(pattern);
        out.push_str(" => ");
        out.push_str(&flat);
        out.push_str(",\n");
        return;
    }
    out.push_str(pattern);
    out.push_str(" => {\n");
    pad(out, indent + 4);
    value.write(out, indent + 4, indent + 4, "");
    out.push('\n');
    pad(out, indent);
    out.push_str("}\n");
}

/// `count` spaces.
pub fn pad(out: &mut String, count: usize) {
    out.extend(std::iter::repeat_n(' ', count));
}

/// Doc comment lines (`///`), at `indent` spaces.
pub fn push_doc(out: &mut String, text: &str, indent: usize) {
    for line in text.lines() {
        pad(out, indent);
        out.push_str("///");
        if !line.is_empty() {
            out.push(' ');
            out.push_str(line);
        }
        out.push('\n');
    }
}

/// A function: `pub fn name(parameters) -> output { body }` at `indent` spaces, its signature
/// on one line where it fits, else its parameters one a line, else its output's generic
/// arguments one a line too.
pub fn push_fn(
    out: &mut String,
    indent: usize,
    name: &str,
    parameters: &[String],
    output: &str,
    body: &Expr,
) {
    let one_line = format!("pub fn {name}({}) -> {output} {{", parameters.join(", "));
    pad(out, indent);
    if indent + one_line.len() <= MAX_WIDTH {
        out.push_str(&one_line);
    } else {
        out.push_str("pub fn ");
        out.push_str(name);
        out.push('(');
        // Without parameters, `()` stays together and only the output breaks.
        if !parameters.is_empty() {
            for parameter in parameters {
                out.push('\n');
                pad(out, indent + 4);
                out.push_str(parameter);
                out.push(',');
            }
            out.push('\n');
            pad(out, indent);
        }
        let closing = format!(") -> {output} {{");
        match generic_arguments(output) {
            Some((head, arguments)) if indent + closing.len() > MAX_WIDTH => {
                out.push_str(") -> ");
                out.push_str(head);
                out.push('<');
                for argument in arguments {
                    out.push('\n');
                    pad(out, indent + 4);
                    out.push_str(argument);
                    out.push(',');
                }
                out.push('\n');
                pad(out, indent);
                out.push_str("> {");
            }
            _ => out.push_str(&closing),
        }
    }
    out.push('\n');
    pad(out, indent + 4);
    body.write(out, indent + 4, indent + 4, "");
    out.push('\n');
    pad(out, indent);
    out.push_str("}\n");
}

/// `Head<A, B<C, D>>` → (`Head`, [`A`, `B<C, D>`]): the outermost generic arguments.
fn generic_arguments(ty: &str) -> Option<(&str, Vec<&str>)> {
    let open = ty.find('<')?;
    let inner = ty.strip_suffix('>')?.get(open + 1..)?;
    let mut arguments = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                arguments.push(inner[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    arguments.push(inner[start..].trim());
    Some((&ty[..open], arguments))
}

/// A type's tokens as a person writes them: `::std::option::Option<crate::models::User>`.
pub fn type_text(tokens: &TokenStream) -> String {
    let mut out = String::new();
    for token in tokens.clone() {
        match token {
            TokenTree::Ident(ident) => out.push_str(&ident.to_string()),
            TokenTree::Punct(punct) => match punct.as_char() {
                ',' => out.push_str(", "),
                c => out.push(c),
            },
            TokenTree::Literal(literal) => out.push_str(&literal.to_string()),
            TokenTree::Group(group) => out.push_str(&group.to_string()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(arguments: &[&str], calls: Vec<Expr>) -> Expr {
        Expr::Chain(
            Box::new(Expr::call(
                "crate::runtime::Request::new",
                arguments.iter().map(|a| Expr::atom(*a)).collect(),
            )),
            calls,
        )
    }

    #[test]
    fn expressions_break_at_their_outermost_parts_only_when_too_wide() {
        let short = request(
            &["M", "p", "S"],
            vec![Expr::call("with_body", vec![Expr::atom("body")])],
        );
        let mut out = String::new();
        short.write(&mut out, 8, 8, "");
        assert_eq!(out, "crate::runtime::Request::new(M, p, S).with_body(body)");

        let path = Expr::call(
            "crate::runtime::support::extend_path",
            vec![
                Expr::atom("self.path"),
                Expr::SliceRef(vec![Expr::string("/sendMail")]),
            ],
        );
        let long = Expr::Chain(
            Box::new(Expr::call(
                "crate::runtime::Request::new",
                vec![
                    Expr::atom("::http::Method::POST"),
                    path,
                    Expr::atom("::http::StatusCode::ACCEPTED"),
                ],
            )),
            vec![Expr::call("with_body", vec![Expr::atom("body")])],
        );
        let mut out = String::new();
        long.write(&mut out, 8, 8, "");
        assert_eq!(
            out,
            "crate::runtime::Request::new(\n            ::http::Method::POST,\n            \
             crate::runtime::support::extend_path(self.path, &[\"/sendMail\"]),\n            \
             ::http::StatusCode::ACCEPTED,\n        )\n        .with_body(body)"
        );
        for line in out.lines() {
            assert!(line.len() + 8 <= MAX_WIDTH, "{line}");
        }
    }

    #[test]
    fn signatures_break_their_parameters_then_their_output() {
        let body = Expr::atom("x");
        let mut out = String::new();
        push_fn(
            &mut out,
            4,
            "get",
            &["self".to_owned()],
            "Request<A, B>",
            &body,
        );
        assert_eq!(
            out,
            "    pub fn get(self) -> Request<A, B> {\n        x\n    }\n"
        );

        let long = format!(
            "crate::runtime::Request<crate::models::{}, crate::runtime::NoBody>",
            "A".repeat(60)
        );
        let mut out = String::new();
        push_fn(&mut out, 4, "get", &["self".to_owned()], &long, &body);
        assert_eq!(
            out,
            format!(
                "    pub fn get(\n        self,\n    ) -> crate::runtime::Request<\n        crate::models::{},\n        crate::runtime::NoBody,\n    > {{\n        x\n    }}\n",
                "A".repeat(60)
            )
        );
        let mut out = String::new();
        push_fn(&mut out, 0, "get", &[], &long, &body);
        assert!(
            out.starts_with("pub fn get() -> crate::runtime::Request<\n    crate::models::"),
            "{out}"
        );
        assert_eq!(
            generic_arguments("R<C<D<E>>, B>"),
            Some(("R", vec!["C<D<E>>", "B"]))
        );
    }
}
