//! `graphdoc compare`: how faithfully the model derived from the pages matches the service's own
//! CSDL (`$metadata`).
//!
//! The CSDL is only compared against, never generated from: the pages stay the single source of
//! the generated crate, and this report measures what they miss or misstate. Names compare the
//! way the model keys them (namespace-qualified, case-insensitive); property and enum member
//! names compare exactly, since they are wire names.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use serde::Serialize;

use crate::model::{ApiModel, Primitive, TypeKey, TypeOrigin, TypeRef};

/// What stops a comparison: a CSDL document that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    #[error("the CSDL is not well-formed XML: {0}")]
    Xml(#[from] roxmltree::Error),
    #[error("the CSDL has no <Schema> element: it is not a $metadata document")]
    NoSchema,
    #[error("line {line}: <{element}> has no `{attribute}` attribute")]
    MissingAttribute {
        element: String,
        attribute: &'static str,
        line: u32,
    },
}

/// A count out of a total. `ratio` is 1 when there is nothing to count.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Share {
    pub present: usize,
    pub total: usize,
    pub ratio: f64,
}

impl Share {
    fn new(present: usize, total: usize) -> Share {
        let ratio = if total == 0 {
            1.0
        } else {
            present as f64 / total as f64
        };
        Share {
            present,
            total,
            ratio,
        }
    }
}

/// Running counts, turned into [`Share`]s at the end.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    present: usize,
    total: usize,
}

impl Tally {
    fn add(&mut self, present: bool) {
        self.total += 1;
        self.present += usize::from(present);
    }

    fn share(self) -> Share {
        Share::new(self.present, self.total)
    }
}

/// The whole comparison. Every list is deterministic: sorted as documented on each field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FidelityReport {
    /// The CSDL's schema namespaces, in document order.
    pub csdl_namespaces: Vec<String>,
    /// CSDL entity and complex types the model has.
    pub types: Share,
    /// CSDL properties (structural and navigation, inherited ones counted on each derived type)
    /// the model has by wire name; a type the model lacks counts all its properties as missing.
    pub properties: Share,
    /// The same, counted over the types the model has only.
    pub properties_of_present_types: Share,
    /// Present properties whose collection-ness and element type agree with the CSDL.
    pub property_types: Share,
    /// CSDL enum types the model has.
    pub enums: Share,
    /// CSDL enum members the model has; an enum the model lacks counts all its members missing.
    pub enum_members: Share,
    /// The same, counted over the enums the model has only.
    pub enum_members_of_present_enums: Share,
    /// The figures per CSDL namespace, in namespace order.
    pub namespaces: Vec<NamespaceFidelity>,
    /// Every CSDL entity and complex type, worst property coverage first (then most properties
    /// missing, then by name).
    pub type_coverage: Vec<TypeCoverage>,
    /// CSDL enums the model lacks, by name.
    pub missing_enums: Vec<String>,
    /// Properties missing from types the model has, once per declaring CSDL type; most
    /// affected types first.
    pub missing_properties: Vec<PropertyGap>,
    /// Present properties whose type disagrees, once per declaring CSDL type and pair of types;
    /// most affected types first.
    pub type_disagreements: Vec<TypeDisagreement>,
    /// Members missing from enums the model has, by enum then member.
    pub missing_enum_members: Vec<EnumMemberGap>,
    /// What the pages define that the CSDL lacks.
    pub extras: Extras,
}

/// The figures of one CSDL namespace.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NamespaceFidelity {
    pub namespace: String,
    pub types: Share,
    pub properties: Share,
    pub property_types: Share,
    pub enums: Share,
    pub enum_members: Share,
}

/// How well the model covers one CSDL entity or complex type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TypeCoverage {
    /// Namespace-qualified, as the CSDL spells it (`microsoft.graph.user`).
    pub name: String,
    /// `entity` or `complex`.
    pub kind: &'static str,
    /// Whether the model has the type at all.
    pub present: bool,
    /// How the model learnt of the type (`resource-page`, `example`, ...), when it has it.
    pub model_origin: Option<&'static str>,
    /// The model has an enum under this name instead.
    pub in_model_as_enum: bool,
    /// Properties (inherited included) the model has.
    pub properties: Share,
    /// Of those, properties whose type agrees.
    pub property_types: Share,
    /// Wire names of the properties the model lacks, in CSDL order.
    pub missing: Vec<String>,
}

/// A CSDL property the model lacks on types it has.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PropertyGap {
    /// The CSDL type that declares the property (a base of the affected types, or one of them).
    pub declared_in: String,
    pub property: String,
    pub navigation: bool,
    /// The CSDL type, as `Edm.String` or `Collection(microsoft.graph.user)`.
    pub csdl_type: String,
    /// How many CSDL types the model has lack it (the declaring type and its derived types).
    pub affected_types: usize,
    /// A property of the model spelled the same but for case, when there is one.
    pub model_spelling: Option<String>,
}

/// A property whose model type disagrees with the CSDL.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TypeDisagreement {
    pub declared_in: String,
    pub property: String,
    pub csdl_type: String,
    /// The model's type, as `Edm.Int64`, `Collection(microsoft.graph.user)`, `enum
    /// microsoft.graph.x`, or `unresolved(text)`.
    pub model_type: String,
    pub affected_types: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct EnumMemberGap {
    /// Namespace-qualified, as the CSDL spells it.
    #[serde(rename = "enum")]
    pub enum_name: String,
    pub member: String,
}

/// What the pages define that the CSDL lacks (the generator's synthetic body types aside).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Extras {
    /// By key.
    pub types: Vec<ExtraType>,
    /// By key.
    pub enums: Vec<ExtraEnum>,
    /// Own properties of model types the CSDL has, whose wire name the CSDL type lacks
    /// (inherited ones included); by type then page order.
    pub properties: Vec<ExtraProperty>,
    /// Members of model enums the CSDL has, which the CSDL enum lacks.
    pub enum_members: Vec<EnumMemberGap>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExtraType {
    /// Namespace-qualified, as the pages spell it.
    pub name: String,
    pub origin: &'static str,
    /// The page or example it came from.
    pub source: String,
    /// The CSDL has an enum under this name.
    pub in_csdl_as_enum: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExtraEnum {
    pub name: String,
    pub source: String,
    /// The CSDL has an entity or complex type under this name.
    pub in_csdl_as_type: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExtraProperty {
    /// Namespace-qualified, as the pages spell it.
    #[serde(rename = "type")]
    pub type_name: String,
    pub property: String,
    pub source: String,
}

/// Compares the model with a CSDL document.
pub fn compare(model: &ApiModel, csdl: &str) -> Result<FidelityReport, CompareError> {
    let csdl = Csdl::parse(csdl)?;
    Ok(Comparison::new(model, &csdl).run())
}

impl FidelityReport {
    /// A readable report: the headline figures, the per-namespace table, and the first `top`
    /// entries of each list.
    pub fn to_table(&self, top: usize) -> String {
        let mut out = String::new();
        let headline = [
            ("entity and complex types", self.types),
            ("properties", self.properties),
            ("  of present types", self.properties_of_present_types),
            ("property types agreeing", self.property_types),
            ("enum types", self.enums),
            ("enum members", self.enum_members),
            ("  of present enums", self.enum_members_of_present_enums),
        ];
        let _ = writeln!(out, "{:<28} {:>15} {:>7}", "CSDL", "in the model", "share");
        for (label, share) in headline {
            let _ = writeln!(
                out,
                "{label:<28} {:>15} {:>7}",
                fraction(share),
                percent(share)
            );
        }

        let _ = writeln!(
            out,
            "\n{:<36} {:>18} {:>18} {:>18} {:>18} {:>18}",
            "namespace", "types", "properties", "property types", "enums", "enum members"
        );
        for ns in &self.namespaces {
            let _ = writeln!(
                out,
                "{:<36} {:>18} {:>18} {:>18} {:>18} {:>18}",
                ns.namespace,
                cell(ns.types),
                cell(ns.properties),
                cell(ns.property_types),
                cell(ns.enums),
                cell(ns.enum_members)
            );
        }

        let present: Vec<&TypeCoverage> = self
            .type_coverage
            .iter()
            .filter(|t| t.present && t.properties.present < t.properties.total)
            .collect();
        let _ = writeln!(
            out,
            "\nworst present types ({} of {} lack properties):",
            present.len(),
            self.types.present
        );
        for t in present.iter().take(top) {
            let _ = writeln!(
                out,
                "  {:<56} {:>9} {:>7}  {:<16} missing: {}",
                t.name,
                fraction(t.properties),
                percent(t.properties),
                t.model_origin.unwrap_or(""),
                abbreviate(&t.missing, 6)
            );
        }

        let missing: Vec<&TypeCoverage> =
            self.type_coverage.iter().filter(|t| !t.present).collect();
        let _ = writeln!(out, "\nmissing types ({}):", missing.len());
        let names: Vec<String> = missing
            .iter()
            .map(|t| {
                let enum_note = if t.in_model_as_enum { ", an enum" } else { "" };
                format!("{} ({} properties{enum_note})", t.name, t.properties.total)
            })
            .collect();
        list(&mut out, &names, top);

        let _ = writeln!(
            out,
            "\nmissing properties of present types ({} declarations):",
            self.missing_properties.len()
        );
        for gap in self.missing_properties.iter().take(top) {
            let spelling = gap
                .model_spelling
                .as_deref()
                .map(|s| format!("  (model spells it `{s}`)"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {}.{}: {}{} — in {} types{spelling}",
                gap.declared_in,
                gap.property,
                gap.csdl_type,
                if gap.navigation { " (navigation)" } else { "" },
                gap.affected_types
            );
        }
        more(&mut out, self.missing_properties.len(), top);

        let _ = writeln!(
            out,
            "\nproperty types disagreeing ({} declarations):",
            self.type_disagreements.len()
        );
        for d in self.type_disagreements.iter().take(top) {
            let _ = writeln!(
                out,
                "  {}.{}: CSDL {}, model {} — in {} types",
                d.declared_in, d.property, d.csdl_type, d.model_type, d.affected_types
            );
        }
        more(&mut out, self.type_disagreements.len(), top);

        let _ = writeln!(out, "\nmissing enums ({}):", self.missing_enums.len());
        list(&mut out, &self.missing_enums, top);
        let members: Vec<String> = self
            .missing_enum_members
            .iter()
            .map(|m| format!("{}.{}", m.enum_name, m.member))
            .collect();
        let _ = writeln!(
            out,
            "\nmissing members of present enums ({}):",
            members.len()
        );
        list(&mut out, &members, top);

        let extras = &self.extras;
        let _ = writeln!(
            out,
            "\nextras, in the pages but not the CSDL: {} types, {} enums, {} properties, {} enum members",
            extras.types.len(),
            extras.enums.len(),
            extras.properties.len(),
            extras.enum_members.len()
        );
        let types: Vec<String> = extras
            .types
            .iter()
            .map(|t| format!("{} ({})", t.name, t.origin))
            .collect();
        let _ = writeln!(out, "  types:");
        list(&mut out, &types, top);
        let enums: Vec<String> = extras.enums.iter().map(|e| e.name.clone()).collect();
        let _ = writeln!(out, "  enums:");
        list(&mut out, &enums, top);
        let properties: Vec<String> = extras
            .properties
            .iter()
            .map(|p| format!("{}.{}", p.type_name, p.property))
            .collect();
        let _ = writeln!(out, "  properties:");
        list(&mut out, &properties, top);
        out
    }
}

fn fraction(share: Share) -> String {
    format!("{} / {}", share.present, share.total)
}

fn percent(share: Share) -> String {
    format!("{:.1}%", share.ratio * 100.0)
}

fn cell(share: Share) -> String {
    format!("{:>11} {:>6}", fraction(share), percent(share))
}

fn abbreviate(names: &[String], at_most: usize) -> String {
    let shown: Vec<&str> = names.iter().take(at_most).map(String::as_str).collect();
    match names.len().saturating_sub(at_most) {
        0 => shown.join(", "),
        rest => format!("{}, … ({rest} more)", shown.join(", ")),
    }
}

fn list(out: &mut String, items: &[String], top: usize) {
    for item in items.iter().take(top) {
        let _ = writeln!(out, "  {item}");
    }
    more(out, items.len(), top);
}

fn more(out: &mut String, len: usize, top: usize) {
    if len > top {
        let _ = writeln!(
            out,
            "  … {} more (all of them with --format json)",
            len - top
        );
    }
}

fn origin_name(origin: TypeOrigin) -> &'static str {
    match origin {
        TypeOrigin::Example => "example",
        TypeOrigin::RequestBodyTable => "request-body-table",
        TypeOrigin::ActionParameters => "action-parameters",
        TypeOrigin::ResourcePage => "resource-page",
    }
}

// ---------------------------------------------------------------------------------------------
// The CSDL, read into just what the comparison needs.

#[derive(Debug)]
struct Csdl {
    namespaces: Vec<String>,
    types: BTreeMap<TypeKey, CsdlType>,
    enums: BTreeMap<TypeKey, CsdlEnum>,
}

#[derive(Debug)]
struct CsdlType {
    /// Namespace-qualified, as written.
    name: String,
    local_name: String,
    namespace: String,
    entity: bool,
    base: Option<TypeKey>,
    properties: Vec<CsdlProperty>,
}

impl CsdlType {
    /// An `EntityType` or `ComplexType` element.
    fn parse(
        node: roxmltree::Node,
        namespace: &str,
        aliases: &Aliases,
    ) -> Result<CsdlType, CompareError> {
        let local_name = required(node, "Name")?.to_owned();
        let mut properties = Vec::new();
        for child in node.children().filter(roxmltree::Node::is_element) {
            let navigation = match child.tag_name().name() {
                "Property" => false,
                "NavigationProperty" => true,
                _ => continue,
            };
            let written = required(child, "Type")?.trim();
            let (element, collection) = match written
                .strip_prefix("Collection(")
                .and_then(|t| t.strip_suffix(')'))
            {
                Some(element) => (element.trim(), true),
                None => (written, false),
            };
            properties.push(CsdlProperty {
                name: required(child, "Name")?.to_owned(),
                element: aliases.qualify(element),
                collection,
                navigation,
            });
        }
        Ok(CsdlType {
            name: format!("{namespace}.{local_name}"),
            local_name,
            namespace: namespace.to_owned(),
            entity: node.has_tag_name("EntityType"),
            base: node
                .attribute("BaseType")
                .map(|b| TypeKey(aliases.qualify(b.trim()).to_ascii_lowercase())),
            properties,
        })
    }
}

#[derive(Debug)]
struct CsdlProperty {
    name: String,
    /// The element type, namespace-qualified (aliases replaced), as written.
    element: String,
    collection: bool,
    navigation: bool,
}

impl CsdlProperty {
    fn type_text(&self) -> String {
        wrap_collection(&self.element, self.collection)
    }
}

#[derive(Debug)]
struct CsdlEnum {
    name: String,
    namespace: String,
    members: Vec<String>,
}

/// An attribute the CSDL cannot do without, or an error naming the element and its line.
fn required<'a>(
    node: roxmltree::Node<'a, '_>,
    attribute: &'static str,
) -> Result<&'a str, CompareError> {
    node.attribute(attribute)
        .ok_or_else(|| CompareError::MissingAttribute {
            element: node.tag_name().name().to_owned(),
            attribute,
            line: node.document().text_pos_at(node.range().start).row,
        })
}

fn wrap_collection(element: &str, collection: bool) -> String {
    if collection {
        format!("Collection({element})")
    } else {
        element.to_owned()
    }
}

/// Schema aliases (`graph` for `microsoft.graph`), which qualified names may use in place of the
/// namespace.
struct Aliases(HashMap<String, String>);

impl Aliases {
    /// `graph.user` → `microsoft.graph.user`; other names unchanged.
    fn qualify(&self, name: &str) -> String {
        name.rsplit_once('.')
            .and_then(|(prefix, local)| {
                let namespace = self.0.get(&prefix.to_ascii_lowercase())?;
                Some(format!("{namespace}.{local}"))
            })
            .unwrap_or_else(|| name.to_owned())
    }
}

impl Csdl {
    fn parse(text: &str) -> Result<Csdl, CompareError> {
        let document = roxmltree::Document::parse(text)?;
        let schemas: Vec<roxmltree::Node> = document
            .descendants()
            .filter(|n| n.has_tag_name("Schema"))
            .collect();
        if schemas.is_empty() {
            return Err(CompareError::NoSchema);
        }
        // Every alias first: a schema may refer to one declared by a later schema.
        let mut aliases = Aliases(HashMap::new());
        let mut namespaces = Vec::new();
        for schema in &schemas {
            let namespace = required(*schema, "Namespace")?;
            if let Some(alias) = schema.attribute("Alias") {
                aliases
                    .0
                    .insert(alias.to_ascii_lowercase(), namespace.to_owned());
            }
            namespaces.push(namespace.to_owned());
        }

        let mut types = BTreeMap::new();
        let mut enums = BTreeMap::new();
        for (schema, namespace) in schemas.iter().zip(&namespaces) {
            for node in schema.children().filter(roxmltree::Node::is_element) {
                // The first definition of a name wins; a valid CSDL has only one.
                match node.tag_name().name() {
                    "EntityType" | "ComplexType" => {
                        let ty = CsdlType::parse(node, namespace, &aliases)?;
                        types
                            .entry(TypeKey::new(namespace, &ty.local_name))
                            .or_insert(ty);
                    }
                    "EnumType" => {
                        let name = required(node, "Name")?;
                        let members = node
                            .children()
                            .filter(|m| m.has_tag_name("Member"))
                            .map(|m| required(m, "Name").map(str::to_owned))
                            .collect::<Result<Vec<_>, _>>()?;
                        enums
                            .entry(TypeKey::new(namespace, name))
                            .or_insert(CsdlEnum {
                                name: format!("{namespace}.{name}"),
                                namespace: namespace.clone(),
                                members,
                            });
                    }
                    _ => {}
                }
            }
        }
        Ok(Csdl {
            namespaces,
            types,
            enums,
        })
    }

    /// A type's properties, inherited ones first (base-most first), each name once, with the
    /// type that declares each. Stops at a cycle or an unknown base.
    fn all_properties<'a>(&'a self, key: &TypeKey) -> Vec<(&'a CsdlProperty, &'a CsdlType)> {
        let mut chain: Vec<&CsdlType> = Vec::new();
        let mut seen: BTreeSet<&TypeKey> = BTreeSet::new();
        let mut next = self.types.get_key_value(key);
        while let Some((key, ty)) = next {
            if !seen.insert(key) {
                break;
            }
            chain.push(ty);
            next = ty.base.as_ref().and_then(|b| self.types.get_key_value(b));
        }
        let mut properties: Vec<(&CsdlProperty, &CsdlType)> = Vec::new();
        for ty in chain.iter().rev() {
            for property in &ty.properties {
                match properties.iter_mut().find(|(p, _)| p.name == property.name) {
                    Some(existing) => *existing = (property, ty),
                    None => properties.push((property, ty)),
                }
            }
        }
        properties
    }

    /// A complex type with no properties and no base (`<ComplexType Name="Json" />`): the v1.0
    /// CSDL's spelling of untyped JSON, from before `Edm.Untyped`. Untyped JSON in the model
    /// is that type.
    fn is_untyped(&self, element: &str) -> bool {
        self.types
            .get(&TypeKey(element.to_ascii_lowercase()))
            .is_some_and(|t| !t.entity && t.base.is_none() && t.properties.is_empty())
    }

    /// Whether a model type reference is the CSDL element type `element`.
    fn agrees(&self, element: &str, target: &TypeRef) -> bool {
        match target {
            TypeRef::Primitive(Primitive::Json) if self.is_untyped(element) => true,
            TypeRef::Primitive(model) => edm_primitive(element) == Some(*model),
            TypeRef::Complex(model) => {
                let key = TypeKey(element.to_ascii_lowercase());
                *model == key && !self.enums.contains_key(&key)
            }
            TypeRef::Enum(model) => {
                let key = TypeKey(element.to_ascii_lowercase());
                *model == key && !self.types.contains_key(&key)
            }
            TypeRef::Unresolved(_) => false,
        }
    }
}

/// The primitive an `Edm.*` name denotes: exactly the inverse of [`Primitive::edm_name`], so the
/// pages' informal spellings do not leak in. `Json` only matches `Edm.Untyped`.
fn edm_primitive(element: &str) -> Option<Primitive> {
    Primitive::from_name(element).filter(|p| p.edm_name().eq_ignore_ascii_case(element))
}

/// A model type as text: `Edm.Int64`, `Collection(microsoft.graph.user)` (spelled as the pages
/// spell it), `enum microsoft.graph.x`, `unresolved(text)`.
fn model_type_text(model: &ApiModel, target: &TypeRef, collection: bool) -> String {
    let element = match target {
        TypeRef::Primitive(p) => p.edm_name().to_owned(),
        TypeRef::Complex(key) => model
            .types
            .get(key)
            .map_or_else(|| key.0.clone(), |t| format!("{}.{}", t.namespace, t.name)),
        TypeRef::Enum(key) => model.enums.get(key).map_or_else(
            || format!("enum {key}"),
            |e| format!("enum {}.{}", e.namespace, e.name),
        ),
        TypeRef::Unresolved(text) => format!("unresolved({text})"),
    };
    wrap_collection(&element, collection)
}

// ---------------------------------------------------------------------------------------------
// The comparison itself.

/// Running counts of one scope (the whole CSDL, or one namespace).
#[derive(Debug, Default)]
struct Tallies {
    types: Tally,
    properties: Tally,
    properties_of_present_types: Tally,
    property_types: Tally,
    enums: Tally,
    enum_members: Tally,
    enum_members_of_present_enums: Tally,
}

/// A key that gathers one finding repeated over the types inheriting it: (declaring type,
/// property) for gaps, plus both type texts for disagreements.
type GapKey = (String, String);
type DisagreementKey = (String, String, String, String);

/// The comparison's accumulator: every CSDL type and enum is visited once, then the extras.
struct Comparison<'a> {
    model: &'a ApiModel,
    csdl: &'a Csdl,
    all: Tallies,
    namespaces: BTreeMap<String, Tallies>,
    coverage: Vec<TypeCoverage>,
    gaps: BTreeMap<GapKey, PropertyGap>,
    disagreements: BTreeMap<DisagreementKey, TypeDisagreement>,
    missing_enums: Vec<String>,
    missing_members: Vec<EnumMemberGap>,
}

/// Counts one finding in the totals and in its namespace.
fn tally(
    all: &mut Tallies,
    namespace: &mut Tallies,
    which: fn(&mut Tallies) -> &mut Tally,
    present: bool,
) {
    which(all).add(present);
    which(namespace).add(present);
}

impl<'a> Comparison<'a> {
    fn new(model: &'a ApiModel, csdl: &'a Csdl) -> Self {
        Comparison {
            model,
            csdl,
            all: Tallies::default(),
            namespaces: csdl
                .namespaces
                .iter()
                .map(|ns| (ns.clone(), Tallies::default()))
                .collect(),
            coverage: Vec::new(),
            gaps: BTreeMap::new(),
            disagreements: BTreeMap::new(),
            missing_enums: Vec::new(),
            missing_members: Vec::new(),
        }
    }

    fn run(mut self) -> FidelityReport {
        let csdl = self.csdl;
        for (key, csdl_type) in &csdl.types {
            self.compare_type(key, csdl_type);
        }
        for (key, csdl_enum) in &csdl.enums {
            self.compare_enum(key, csdl_enum);
        }
        let extras = self.extras();

        self.coverage.sort_by(|a, b| {
            a.properties
                .ratio
                .total_cmp(&b.properties.ratio)
                .then_with(|| b.missing.len().cmp(&a.missing.len()))
                .then_with(|| a.name.cmp(&b.name))
        });
        self.missing_enums.sort();
        let mut missing_properties: Vec<PropertyGap> = self.gaps.into_values().collect();
        missing_properties.sort_by_key(|gap| std::cmp::Reverse(gap.affected_types));
        let mut type_disagreements: Vec<TypeDisagreement> =
            self.disagreements.into_values().collect();
        type_disagreements.sort_by_key(|d| std::cmp::Reverse(d.affected_types));

        let all = self.all;
        FidelityReport {
            csdl_namespaces: csdl.namespaces.clone(),
            types: all.types.share(),
            properties: all.properties.share(),
            properties_of_present_types: all.properties_of_present_types.share(),
            property_types: all.property_types.share(),
            enums: all.enums.share(),
            enum_members: all.enum_members.share(),
            enum_members_of_present_enums: all.enum_members_of_present_enums.share(),
            namespaces: self
                .namespaces
                .into_iter()
                .map(|(namespace, t)| NamespaceFidelity {
                    namespace,
                    types: t.types.share(),
                    properties: t.properties.share(),
                    property_types: t.property_types.share(),
                    enums: t.enums.share(),
                    enum_members: t.enum_members.share(),
                })
                .collect(),
            type_coverage: self.coverage,
            missing_enums: self.missing_enums,
            missing_properties,
            type_disagreements,
            missing_enum_members: self.missing_members,
            extras,
        }
    }

    /// One CSDL entity or complex type: is it there, and are its properties, with their types.
    fn compare_type(&mut self, key: &TypeKey, csdl_type: &CsdlType) {
        let model_type = self.model.types.get(key);
        let present = model_type.is_some();
        let ns = self
            .namespaces
            .entry(csdl_type.namespace.clone())
            .or_default();
        tally(&mut self.all, ns, |t| &mut t.types, present);
        let model_properties = match model_type {
            Some(_) => self.model.all_properties(key),
            None => Vec::new(),
        };
        let mut type_properties = Tally::default();
        let mut type_agreeing = Tally::default();
        let mut missing = Vec::new();
        for (property, declared_in) in self.csdl.all_properties(key) {
            let found = model_properties.iter().find(|p| p.name == property.name);
            type_properties.add(found.is_some());
            tally(&mut self.all, ns, |t| &mut t.properties, found.is_some());
            if present {
                tally(
                    &mut self.all,
                    ns,
                    |t| &mut t.properties_of_present_types,
                    found.is_some(),
                );
            }
            let Some(found) = found else {
                missing.push(property.name.clone());
                // A missing type's properties are explained by the type; list only the others.
                if present {
                    let model_spelling = model_properties
                        .iter()
                        .find(|p| p.name.eq_ignore_ascii_case(&property.name))
                        .map(|p| p.name.clone());
                    self.gaps
                        .entry((declared_in.name.clone(), property.name.clone()))
                        .or_insert_with(|| PropertyGap {
                            declared_in: declared_in.name.clone(),
                            property: property.name.clone(),
                            navigation: property.navigation,
                            csdl_type: property.type_text(),
                            affected_types: 0,
                            model_spelling,
                        })
                        .affected_types += 1;
                }
                continue;
            };
            let agrees = found.ty.collection == property.collection
                && self.csdl.agrees(&property.element, &found.ty.target);
            type_agreeing.add(agrees);
            tally(&mut self.all, ns, |t| &mut t.property_types, agrees);
            if !agrees {
                let csdl_text = property.type_text();
                let model_text = model_type_text(self.model, &found.ty.target, found.ty.collection);
                self.disagreements
                    .entry((
                        declared_in.name.clone(),
                        property.name.clone(),
                        csdl_text.clone(),
                        model_text.clone(),
                    ))
                    .or_insert_with(|| TypeDisagreement {
                        declared_in: declared_in.name.clone(),
                        property: property.name.clone(),
                        csdl_type: csdl_text,
                        model_type: model_text,
                        affected_types: 0,
                    })
                    .affected_types += 1;
            }
        }
        self.coverage.push(TypeCoverage {
            name: csdl_type.name.clone(),
            kind: if csdl_type.entity {
                "entity"
            } else {
                "complex"
            },
            present,
            model_origin: model_type.map(|t| origin_name(t.origin)),
            in_model_as_enum: !present && self.model.enums.contains_key(key),
            properties: type_properties.share(),
            property_types: type_agreeing.share(),
            missing,
        });
    }

    /// One CSDL enum: is it there, and are its members.
    fn compare_enum(&mut self, key: &TypeKey, csdl_enum: &CsdlEnum) {
        let model_enum = self.model.enums.get(key);
        let ns = self
            .namespaces
            .entry(csdl_enum.namespace.clone())
            .or_default();
        tally(&mut self.all, ns, |t| &mut t.enums, model_enum.is_some());
        if model_enum.is_none() {
            self.missing_enums.push(csdl_enum.name.clone());
        }
        for member in &csdl_enum.members {
            let found = model_enum.is_some_and(|e| e.members.iter().any(|m| m.name == *member));
            tally(&mut self.all, ns, |t| &mut t.enum_members, found);
            if model_enum.is_some() {
                tally(
                    &mut self.all,
                    ns,
                    |t| &mut t.enum_members_of_present_enums,
                    found,
                );
                if !found {
                    self.missing_members.push(EnumMemberGap {
                        enum_name: csdl_enum.name.clone(),
                        member: member.clone(),
                    });
                }
            }
        }
    }

    fn extras(&self) -> Extras {
        let mut extras = Extras::default();
        let source = |page: &str, line: u32| format!("{page}:{line}");
        for (key, ty) in &self.model.types {
            // graphdoc's own body types have no CSDL counterpart by design: no extras.
            if ty
                .namespace
                .eq_ignore_ascii_case(crate::model::BODY_NAMESPACE)
            {
                continue;
            }
            if !self.csdl.types.contains_key(key) {
                extras.types.push(ExtraType {
                    name: format!("{}.{}", ty.namespace, ty.name),
                    origin: origin_name(ty.origin),
                    source: source(&ty.source.page, ty.source.line),
                    in_csdl_as_enum: self.csdl.enums.contains_key(key),
                });
                continue;
            }
            let csdl_names: BTreeSet<&str> = self
                .csdl
                .all_properties(key)
                .into_iter()
                .map(|(p, _)| p.name.as_str())
                .collect();
            for property in &ty.properties {
                if !csdl_names.contains(property.name.as_str()) {
                    extras.properties.push(ExtraProperty {
                        type_name: format!("{}.{}", ty.namespace, ty.name),
                        property: property.name.clone(),
                        source: source(&property.source.page, property.source.line),
                    });
                }
            }
        }
        for (key, model_enum) in &self.model.enums {
            let Some(csdl_enum) = self.csdl.enums.get(key) else {
                extras.enums.push(ExtraEnum {
                    name: format!("{}.{}", model_enum.namespace, model_enum.name),
                    source: source(&model_enum.source.page, model_enum.source.line),
                    in_csdl_as_type: self.csdl.types.contains_key(key),
                });
                continue;
            };
            for member in &model_enum.members {
                if !csdl_enum.members.contains(&member.name) {
                    extras.enum_members.push(EnumMemberGap {
                        enum_name: csdl_enum.name.clone(),
                        member: member.name.clone(),
                    });
                }
            }
        }
        extras
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::{parse_page, PageSource};

    const CSDL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EnumType Name="widgetColor">
        <Member Name="red" Value="0" />
        <Member Name="green" Value="1" />
        <Member Name="blue" Value="2" />
      </EnumType>
      <EnumType Name="shade">
        <Member Name="light" Value="0" />
        <Member Name="dark" Value="1" />
      </EnumType>
      <EntityType Name="entity" Abstract="true">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
      </EntityType>
      <EntityType Name="widget" BaseType="graph.entity">
        <Property Name="name" Type="Edm.String" />
        <Property Name="count" Type="Edm.Int64" />
        <Property Name="tags" Type="Collection(Edm.String)" />
        <Property Name="color" Type="graph.widgetColor" />
        <Property Name="description" Type="Edm.String" />
        <NavigationProperty Name="parts" Type="Collection(microsoft.graph.other.part)" />
      </EntityType>
      <ComplexType Name="thing">
        <Property Name="label" Type="Edm.String" />
      </ComplexType>
    </Schema>
    <Schema Namespace="microsoft.graph.other" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <ComplexType Name="part">
        <Property Name="size" Type="Edm.Int32" />
      </ComplexType>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;

    const ENTITY: &str = "---\ntitle: \"entity resource type\"\ndoc_type: resourcePageType\n---\n\
# entity resource type\n\nNamespace: microsoft.graph\n\nThe base type.\n\n## Properties\n\n\
|Property|Type|Description|\n|:---|:---|:---|\n|id|String|The identifier. Read-only.|\n";

    const WIDGET: &str = "---\ntitle: \"widget resource type\"\ndoc_type: resourcePageType\n---\n\
# widget resource type\n\nNamespace: microsoft.graph\n\nA widget.\n\nInherits from [entity](entity.md).\n\n\
## Properties\n\n|Property|Type|Description|\n|:---|:---|:---|\n\
|name|String|The name.|\n|count|Int32|How many.|\n|tags|String collection|Tags.|\n\
|color|[widgetColor](#widgetcolor-values)|The color.|\n|legacy|Boolean|Not in the CSDL.|\n\n\
## Relationships\n\n|Relationship|Type|Description|\n|:---|:---|:---|\n\
|parts|[part](part.md) collection|The parts.|\n\n\
### widgetColor values\n\n|Member|Value|Description|\n|:---|:---|:---|\n\
|red|0|Red.|\n|green|1|Green.|\n";

    const PART: &str = "---\ntitle: \"part resource type\"\ndoc_type: resourcePageType\n---\n\
# part resource type\n\nNamespace: microsoft.graph.other\n\nA part.\n\n## Properties\n\n\
|Property|Type|Description|\n|:---|:---|:---|\n|size|Int32|The size.|\n\n\
## JSON representation\n\n<!-- {\n  \"blockType\": \"resource\",\n  \"@odata.type\": \"microsoft.graph.other.part\"\n} -->\n\
```json\n{\n  \"size\": 1\n}\n```\n";

    const GADGET: &str = "---\ntitle: \"gadget resource type\"\ndoc_type: resourcePageType\n---\n\
# gadget resource type\n\nNamespace: microsoft.graph\n\nNot in the CSDL.\n\n## Properties\n\n\
|Property|Type|Description|\n|:---|:---|:---|\n|flavor|[flavor](#flavor-values)|The flavor.|\n\n\
### flavor values\n\n|Member|Value|Description|\n|:---|:---|:---|\n|sweet|0|Sweet.|\n";

    fn model() -> ApiModel {
        let pages: Vec<_> = [
            ("entity", ENTITY),
            ("widget", WIDGET),
            ("part", PART),
            ("gadget", GADGET),
        ]
        .into_iter()
        .map(|(stem, text)| {
            let path = format!("resources/{stem}.md");
            let source = PageSource {
                path: path.clone().into(),
                display: path,
            };
            parse_page(&source, text).page
        })
        .collect();
        crate::model::resolve(&pages).model
    }

    fn share(present: usize, total: usize) -> Share {
        Share::new(present, total)
    }

    #[test]
    fn headline_figures() {
        let report = compare(&model(), CSDL).unwrap();
        assert_eq!(
            report.csdl_namespaces,
            ["microsoft.graph", "microsoft.graph.other"]
        );
        // entity, widget and part; not thing.
        assert_eq!(report.types, share(3, 4));
        // entity.id; widget's 7 (id inherited) but description; part.size; not thing.label.
        assert_eq!(report.properties, share(8, 10));
        assert_eq!(report.properties_of_present_types, share(8, 9));
        // widget.count is Int32 on the page, Int64 in the CSDL.
        assert_eq!(report.property_types, share(7, 8));
        assert_eq!(report.enums, share(1, 2));
        assert_eq!(report.enum_members, share(2, 5));
        assert_eq!(report.enum_members_of_present_enums, share(2, 3));
    }

    #[test]
    fn breakdowns_and_gaps() {
        let report = compare(&model(), CSDL).unwrap();
        let graph = &report.namespaces[0];
        assert_eq!(graph.namespace, "microsoft.graph");
        assert_eq!(
            (
                graph.types,
                graph.properties,
                graph.property_types,
                graph.enums,
                graph.enum_members
            ),
            (
                share(2, 3),
                share(7, 9),
                share(6, 7),
                share(1, 2),
                share(2, 5)
            )
        );
        let other = &report.namespaces[1];
        assert_eq!(
            (other.types, other.properties, other.enums),
            (share(1, 1), share(1, 1), share(0, 0))
        );
        assert_eq!(other.enums.ratio, 1.0);

        let order: Vec<&str> = report
            .type_coverage
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(
            order,
            [
                "microsoft.graph.thing",
                "microsoft.graph.widget",
                "microsoft.graph.entity",
                "microsoft.graph.other.part"
            ]
        );
        let thing = &report.type_coverage[0];
        assert!(!thing.present);
        assert_eq!((thing.kind, thing.model_origin), ("complex", None));
        let widget = &report.type_coverage[1];
        assert_eq!(widget.model_origin, Some("resource-page"));
        assert_eq!(widget.properties, share(6, 7));
        assert_eq!(widget.missing, ["description"]);

        assert_eq!(
            report.missing_properties,
            [PropertyGap {
                declared_in: "microsoft.graph.widget".into(),
                property: "description".into(),
                navigation: false,
                csdl_type: "Edm.String".into(),
                affected_types: 1,
                model_spelling: None,
            }]
        );
        assert_eq!(
            report.type_disagreements,
            [TypeDisagreement {
                declared_in: "microsoft.graph.widget".into(),
                property: "count".into(),
                csdl_type: "Edm.Int64".into(),
                model_type: "Edm.Int32".into(),
                affected_types: 1,
            }]
        );
        assert_eq!(report.missing_enums, ["microsoft.graph.shade"]);
        assert_eq!(
            report.missing_enum_members,
            [EnumMemberGap {
                enum_name: "microsoft.graph.widgetColor".into(),
                member: "blue".into()
            }]
        );
    }

    #[test]
    fn extras_are_what_the_csdl_lacks() {
        let extras = compare(&model(), CSDL).unwrap().extras;
        let types: Vec<&str> = extras.types.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(types, ["microsoft.graph.gadget"]);
        assert_eq!(extras.types[0].origin, "resource-page");
        let enums: Vec<&str> = extras.enums.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(enums, ["microsoft.graph.flavor"]);
        let properties: Vec<(&str, &str)> = extras
            .properties
            .iter()
            .map(|p| (p.type_name.as_str(), p.property.as_str()))
            .collect();
        assert_eq!(properties, [("microsoft.graph.widget", "legacy")]);
        assert!(extras.enum_members.is_empty());
    }

    /// The v1.0 CSDL spells untyped JSON as an empty complex type; the model's untyped JSON
    /// agrees with it, and with no other complex type.
    #[test]
    fn an_empty_complex_type_is_untyped_json() {
        let page = "---\ntitle: \"blob resource type\"\ndoc_type: resourcePageType\n---\n\n\
            # blob resource type\n\n## Properties\n\n|Property|Type|Description|\n|:---|:---|:---|\n\
            |content|Json|Anything.|\n|other|Json|Anything else.|\n";
        let source = PageSource {
            path: "resources/blob.md".into(),
            display: "resources/blob.md".into(),
        };
        let model = crate::model::resolve(&[parse_page(&source, page).page]).model;
        let csdl = r#"<Edmx><DataServices><Schema Namespace="microsoft.graph" Alias="graph">
            <ComplexType Name="Json" />
            <ComplexType Name="shape"><Property Name="sides" Type="Edm.Int32" /></ComplexType>
            <ComplexType Name="blob">
                <Property Name="content" Type="graph.Json" />
                <Property Name="other" Type="graph.shape" />
            </ComplexType>
        </Schema></DataServices></Edmx>"#;
        let report = compare(&model, csdl).unwrap();
        assert_eq!(report.property_types, share(1, 2));
        let disagreeing: Vec<&str> = report
            .type_disagreements
            .iter()
            .map(|d| d.property.as_str())
            .collect();
        assert_eq!(disagreeing, ["other"]);
    }

    #[test]
    fn inherited_properties_count_on_every_derived_type() {
        let csdl = r#"<Edmx><DataServices><Schema Namespace="a.b" Alias="x">
            <ComplexType Name="base"><Property Name="p" Type="Edm.String" /></ComplexType>
            <ComplexType Name="left" BaseType="x.base"><Property Name="q" Type="Edm.Int32" /></ComplexType>
            <ComplexType Name="right" BaseType="a.b.base" />
            <ComplexType Name="loop" BaseType="x.loop"><Property Name="r" Type="Edm.Guid" /></ComplexType>
        </Schema></DataServices></Edmx>"#;
        let report = compare(&ApiModel::default(), csdl).unwrap();
        // base: p; left: p, q; right: p; loop: r (its cycle read once).
        assert_eq!(report.properties, share(0, 5));
        assert_eq!(report.types, share(0, 4));
        assert_eq!(report.properties_of_present_types, share(0, 0));
        assert!(
            report.missing_properties.is_empty(),
            "types are missing, not properties"
        );
    }

    #[test]
    fn edm_names_map_exactly_to_primitives() {
        assert_eq!(edm_primitive("Edm.Int64"), Some(Primitive::Int64));
        assert_eq!(
            edm_primitive("Edm.DateTimeOffset"),
            Some(Primitive::DateTimeOffset)
        );
        assert_eq!(edm_primitive("Edm.Untyped"), Some(Primitive::Json));
        // The pages' informal spellings are not EDM names.
        assert_eq!(edm_primitive("Edm.Int"), None);
        assert_eq!(edm_primitive("Edm.Object"), None);
        assert_eq!(edm_primitive("Edm.GeographyPoint"), None);
        assert_eq!(edm_primitive("microsoft.graph.user"), None);
    }

    #[test]
    fn unreadable_csdl_is_an_error_not_a_panic() {
        let model = ApiModel::default();
        assert!(matches!(
            compare(&model, "<Schema Namespace=\"a\">"),
            Err(CompareError::Xml(_))
        ));
        assert!(matches!(
            compare(&model, "<root><other /></root>"),
            Err(CompareError::NoSchema)
        ));
        let error = compare(
            &model,
            "<Schema Namespace=\"a\">\n<ComplexType Name=\"t\">\n<Property Name=\"p\" />\n</ComplexType></Schema>",
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "line 3: <Property> has no `Type` attribute"
        );
        assert!(matches!(
            compare(&model, "<Schema><EnumType Name=\"e\" /></Schema>"),
            Err(CompareError::MissingAttribute {
                attribute: "Namespace",
                line: 1,
                ..
            })
        ));
    }

    #[test]
    fn the_table_shows_the_figures() {
        let table = compare(&model(), CSDL).unwrap().to_table(10);
        assert!(table.contains("entity and complex types"), "{table}");
        assert!(table.contains("3 / 4"), "{table}");
        assert!(table.contains("microsoft.graph.widget.count: CSDL Edm.Int64, model Edm.Int32"));
        assert!(table.contains("microsoft.graph.thing (1 properties)"));
    }

    #[test]
    fn the_report_serializes_to_json() {
        let report = compare(&model(), CSDL).unwrap();
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["types"]["present"], 3);
        assert_eq!(json["types"]["total"], 4);
        assert_eq!(json["type_coverage"][0]["kind"], "complex");
        assert_eq!(
            json["missing_enum_members"][0]["enum"],
            "microsoft.graph.widgetColor"
        );
        assert_eq!(
            json["extras"]["properties"][0]["type"],
            "microsoft.graph.widget"
        );
    }
}
