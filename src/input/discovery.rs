//! Finding the tables of a data folder (SPEC §2, §13): each table by its English or Chinese
//! name, any case, in one of its formats; the parcels also by `land.parcels`. Two files for one
//! table stop the run rather than one being guessed; a missing required table stops it with the
//! folder's unrecognised files listed as likely misnamed candidates; in a run that goes on each
//! unrecognised file is an `unknown_file` warning, so that nothing is dropped without a word.

use super::InputError;
use crate::quality::{At, Ledger};
use std::path::{Path, PathBuf};

/// The tables a data folder may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Enterprises,
    Tax,
    Energy,
    Leases,
    Adjustments,
    Parcels,
    ParcelLedger,
    Commitments,
    Buildings,
}

/// Extensions of the attribute tables, in the order messages list them.
const TABLE_EXTENSIONS: &[&str] = &["csv", "xlsx", "xls", "parquet"];
/// Extensions of the parcel layer.
const PARCEL_EXTENSIONS: &[&str] = &["geojson", "json", "shp", "gpkg", "txt"];
/// Extensions of a buildings layer.
const LAYER_EXTENSIONS: &[&str] = &["geojson", "json", "shp", "gpkg"];
/// Files that come with a Shapefile (`parcels.dbf` beside `parcels.shp`), never tables.
const SHAPEFILE_SIDECARS: &[&str] = &["shx", "dbf", "prj", "cpg", "sbn", "sbx", "qix", "qmd", "fix", "xml"];

impl Table {
    pub const ALL: [Table; 9] = [
        Table::Enterprises,
        Table::Tax,
        Table::Energy,
        Table::Leases,
        Table::Adjustments,
        Table::Parcels,
        Table::ParcelLedger,
        Table::Commitments,
        Table::Buildings,
    ];

    /// The canonical name (as in messages, the manifest and data_quality.csv).
    pub fn name(self) -> &'static str {
        self.stems()[0]
    }

    /// The file names (without extension) the table may have: English first, then Chinese.
    fn stems(self) -> &'static [&'static str] {
        match self {
            Table::Enterprises => &["enterprises", "企业", "企业数据", "统计数据"],
            Table::Tax => &["tax", "税收", "税务", "税务数据"],
            Table::Energy => &["energy", "能耗", "用电", "能耗数据", "用电数据"],
            Table::Leases => &["leases", "租赁"],
            Table::Adjustments => &["adjustments", "加减分"],
            Table::Parcels => &["parcels", "宗地", "地块"],
            Table::ParcelLedger => &["parcel_ledger", "宗地台账"],
            Table::Commitments => &["commitments", "标准地", "标准地承诺"],
            Table::Buildings => &["buildings", "建筑", "建筑物", "房屋"],
        }
    }

    fn extensions(self) -> &'static [&'static str] {
        match self {
            Table::Parcels => PARCEL_EXTENSIONS,
            Table::Buildings => LAYER_EXTENSIONS,
            _ => TABLE_EXTENSIONS,
        }
    }

    /// Whether a run stops without it (SPEC §13: without a tax table every tax would
    /// silently be 0).
    pub fn required(self) -> bool {
        matches!(self, Table::Enterprises | Table::Tax | Table::Parcels)
    }

    /// Whether `path` is this table's file: a known stem (any case) and extension.
    fn matches(self, path: &Path) -> bool {
        let (Some(stem), Some(ext)) = (lower(path.file_stem()), lower(path.extension())) else { return false };
        self.stems().iter().any(|s| s.to_lowercase() == stem) && self.extensions().contains(&ext.as_str())
    }

    /// Whether `path` comes with this layer's Shapefile (`parcels.dbf`, `宗地.prj`, …).
    fn owns_sidecar(self, path: &Path) -> bool {
        let (Some(stem), Some(ext)) = (lower(path.file_stem()), lower(path.extension())) else { return false };
        let layer = matches!(self, Table::Parcels | Table::Buildings);
        let stem = stem.strip_suffix(".shp").unwrap_or(&stem).to_string();
        layer && SHAPEFILE_SIDECARS.contains(&ext.as_str()) && self.stems().iter().any(|s| s.to_lowercase() == stem)
    }
}

fn lower(part: Option<&std::ffi::OsStr>) -> Option<String> {
    part.and_then(|p| p.to_str()).map(str::to_lowercase)
}

/// A data folder's files, listed once.
#[derive(Debug)]
pub struct Folder {
    pub dir: PathBuf,
    files: Vec<PathBuf>,
    /// `land.parcels`: the parcel file named by path, whatever its name.
    parcels: Option<PathBuf>,
}

impl Folder {
    /// Lists the folder; `parcels` is `land.parcels` (a path relative to the folder, or
    /// absolute).
    pub fn open(dir: &Path, parcels: Option<&str>) -> Result<Folder, InputError> {
        if !dir.is_dir() {
            return Err(InputError::new(dir, "the data folder does not exist"));
        }
        let entries =
            std::fs::read_dir(dir).map_err(|e| InputError::new(dir, format!("cannot list the folder: {e}")))?;
        let mut files: Vec<PathBuf> =
            entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect();
        files.sort();
        let parcels = parcels.map(|p| dir.join(p));
        if let Some(p) = parcels.as_ref().filter(|p| !p.is_file()) {
            return Err(InputError::new(p, "land.parcels names this file, which does not exist"));
        }
        Ok(Folder { dir: dir.to_path_buf(), files, parcels })
    }

    /// The file of `table`, or `None`; two files for one table stop the run.
    pub fn find(&self, table: Table) -> Result<Option<PathBuf>, InputError> {
        if let (Table::Parcels, Some(p)) = (table, &self.parcels) {
            return Ok(Some(p.clone()));
        }
        let found: Vec<&PathBuf> = self.files.iter().filter(|p| table.matches(p)).collect();
        match found.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some((*one).clone())),
            many => {
                let names: Vec<String> = many.iter().map(|p| file_name(p)).collect();
                Err(InputError::new(
                    &self.dir,
                    format!(
                        "table `{}` is given {} times ({}); keep one file so none is guessed",
                        table.name(),
                        many.len(),
                        names.join(", ")
                    ),
                ))
            }
        }
    }

    /// The file of a required table; without one the run stops, naming the folder's
    /// unrecognised files as candidates.
    pub fn require(&self, table: Table) -> Result<PathBuf, InputError> {
        self.find(table)?.ok_or_else(|| {
            let extensions: Vec<String> = table.extensions().iter().map(|e| format!(".{e}")).collect();
            let candidates: Vec<String> = self.unknown().map(|p| format!("{}?", file_name(p))).collect();
            let candidates = if candidates.is_empty() {
                String::new()
            } else {
                format!("; files of the folder that are no table: {}", candidates.join(" "))
            };
            InputError::new(
                &self.dir,
                format!(
                    "the required table `{}` is missing (a file named {} in {}){candidates}",
                    table.name(),
                    table.stems().join(", "),
                    extensions.join(", ")
                ),
            )
        })
    }

    /// The files that are no table, no Shapefile part of a layer and no configuration.
    pub fn unknown(&self) -> impl Iterator<Item = &PathBuf> {
        self.files.iter().filter(|p| {
            let hidden = p.file_name().and_then(|n| n.to_str()).is_none_or(|n| n.starts_with('.'));
            let config = lower(p.file_name()).is_some_and(|n| n == "muchan.toml");
            let named = self.parcels.as_ref().is_some_and(|named| named == *p || same_layer(named, p));
            !hidden && !config && !named && !Table::ALL.iter().any(|t| t.matches(p) || t.owns_sidecar(p))
        })
    }

    /// One `unknown_file` warning per unrecognised file.
    pub fn report_unknown(&self, ledger: &Ledger) {
        for path in self.unknown() {
            let name = file_name(path);
            ledger.warning(
                At::new("files", 0, &name, "file"),
                "unknown_file",
                format!("{name} is no table muchan reads and is not used; if it is one, name it as SPEC §13 says"),
            );
        }
    }
}

/// Whether `other` is a Shapefile part of the layer `shp` (same folder and stem).
fn same_layer(shp: &Path, other: &Path) -> bool {
    let ext = lower(other.extension());
    shp.parent() == other.parent()
        && shp.file_stem() == other.file_stem()
        && ext.is_some_and(|e| SHAPEFILE_SIDECARS.contains(&e.as_str()))
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(names: &[&str]) -> (tempfile::TempDir, Folder) {
        let dir = tempfile::tempdir().expect("tempdir");
        for n in names {
            std::fs::write(dir.path().join(n), "x").expect("write");
        }
        let folder = Folder::open(dir.path(), None).expect("lists");
        (dir, folder)
    }

    #[test]
    fn chinese_and_upper_case_names_are_tables() {
        let (_d, f) =
            folder(&["企业数据.XLSX", "Tax.CSV", "用电.xls", "宗地.shp", "宗地.dbf", "宗地.cpg", "宗地台账.csv"]);
        assert!(f.find(Table::Enterprises).expect("one").is_some());
        assert!(f.find(Table::Tax).expect("one").is_some());
        assert!(f.find(Table::Energy).expect("one").is_some());
        assert!(f.find(Table::Parcels).expect("one").is_some_and(|p| p.ends_with("宗地.shp")));
        assert!(f.find(Table::ParcelLedger).expect("one").is_some());
        assert_eq!(f.unknown().count(), 0, "the Shapefile's parts are no unknown files");
    }

    #[test]
    fn a_missing_required_table_names_the_candidates() {
        let (_d, f) = folder(&["enterprises.csv", "parcels.geojson", "tax_2024.csv", "muchan.toml", ".DS_Store"]);
        let err = f.require(Table::Tax).expect_err("no tax table").to_string();
        assert!(err.contains("`tax` is missing") && err.contains("tax_2024.csv?"), "{err}");
        assert!(!err.contains("muchan.toml") && !err.contains("DS_Store"), "{err}");
        let ledger = Ledger::new();
        f.report_unknown(&ledger);
        let issues = ledger.sorted();
        assert_eq!(issues.len(), 1);
        assert_eq!((issues[0].code, issues[0].key.as_str()), ("unknown_file", "tax_2024.csv"));
    }

    #[test]
    fn two_files_for_one_table_stop_the_run() {
        let (_d, f) = folder(&["tax.csv", "税收.xlsx"]);
        assert!(f.find(Table::Tax).expect_err("two").to_string().contains("2 times"));
        let (_d, f) = folder(&["parcels.geojson", "地块.gpkg"]);
        assert!(f.find(Table::Parcels).is_err());
    }

    #[test]
    fn land_parcels_names_a_file_whatever_its_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        for n in ["zd2024.shp", "zd2024.dbf", "zd2024.shx"] {
            std::fs::write(dir.path().join(n), "x").expect("write");
        }
        let f = Folder::open(dir.path(), Some("zd2024.shp")).expect("lists");
        assert!(f.find(Table::Parcels).expect("named").is_some_and(|p| p.ends_with("zd2024.shp")));
        assert_eq!(f.unknown().count(), 0);
        assert!(Folder::open(dir.path(), Some("missing.shp")).is_err());
    }
}
