//! Looking after an index between runs: stats, removal, pruning, compaction, export, check.

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::format::{FORMAT_VERSION, from_blob_u32, params_json};
use super::{Exported, History, Index, IndexError, IndexStats};

impl Index {
    /// Counts, dates, size and parameters.
    pub fn stats(&self) -> Result<IndexStats, IndexError> {
        let c = &self.conn;
        let one = |q: &str| -> Result<u64, IndexError> {
            c.query_row(q, [], |r| r.get::<_, i64>(0))
                .map(|v| v as u64)
                .map_err(|e| self.sql(e))
        };
        let documents = one("SELECT count(*) FROM docs")?;
        let clusters = one(
            "SELECT count(*) FROM (SELECT cluster FROM docs GROUP BY cluster HAVING count(*) > 1)",
        )?;
        let clustered = one(
            "SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM docs GROUP BY cluster \
             HAVING n > 1)",
        )?;
        let (first_date, last_date): (Option<String>, Option<String>) = c
            .query_row(
                "SELECT (SELECT date FROM docs WHERE epoch = (SELECT min(epoch) FROM docs) LIMIT 1), \
                        (SELECT date FROM docs WHERE epoch = (SELECT max(epoch) FROM docs) LIMIT 1)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| self.sql(e))?;
        let file_bytes = self.file_bytes();
        Ok(IndexStats {
            format_version: FORMAT_VERSION,
            documents,
            clusters,
            clustered,
            sources: one("SELECT count(*) FROM sources")?,
            batches: one("SELECT count(*) FROM batches")?,
            first_date,
            last_date,
            band_rows: one("SELECT count(*) FROM bands")?,
            boilerplate_paragraphs_tracked: one("SELECT count(*) FROM paragraphs")?,
            file_bytes,
            bytes_per_document: (documents > 0).then(|| file_bytes as f64 / documents as f64),
            params: params_json(self.config(), &self.lsh, self.history),
        })
    }

    /// A write transaction taken at once (a concurrent job then waits up to `wait` here, not
    /// midway), and the mapping of SQLite errors to this index's.
    fn write_transaction(
        &mut self,
    ) -> Result<
        (
            rusqlite::Transaction<'_>,
            impl Fn(rusqlite::Error) -> IndexError + use<>,
        ),
        IndexError,
    > {
        let (path, wait) = (self.path.clone(), self.wait);
        let sql = move |e| IndexError::from_sqlite(&path, e, wait);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&sql)?;
        Ok((tx, sql))
    }

    /// Removes documents (with their band keys) in one transaction; returns the ids not found.
    /// Cluster ids of the remaining documents do not change.
    pub fn remove(&mut self, ids: &[String]) -> Result<Vec<String>, IndexError> {
        let (tx, sql) = self.write_transaction()?;
        let sql = &sql;
        let mut missing = Vec::new();
        let mut doomed = Vec::new();
        {
            let mut q = tx
                .prepare("SELECT seq, bands FROM docs WHERE id = ?1")
                .map_err(sql)?;
            for id in ids {
                match q
                    .query_row([id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))
                    .optional()
                    .map_err(sql)?
                {
                    Some(row) => doomed.push(row),
                    None => missing.push(id.clone()),
                }
            }
        }
        delete_docs(&tx, &doomed).map_err(sql)?;
        tx.commit().map_err(sql)?;
        Ok(missing)
    }

    /// Removes every document dated before `epoch` (seconds); undated documents stay.
    /// Returns how many were removed.
    pub fn prune_before(&mut self, epoch: i64) -> Result<usize, IndexError> {
        let (tx, sql) = self.write_transaction()?;
        let sql = &sql;
        let doomed: Vec<(i64, Vec<u8>)> = {
            let mut q = tx
                .prepare("SELECT seq, bands FROM docs WHERE epoch < ?1")
                .map_err(sql)?;
            q.query_map([epoch], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(sql)?
                .collect::<Result<_, _>>()
                .map_err(sql)?
        };
        delete_docs(&tx, &doomed).map_err(sql)?;
        tx.commit().map_err(sql)?;
        Ok(doomed.len())
    }

    /// Returns the space of removed documents to the file system: pruning only marks SQLite
    /// pages free, so an index pruned every night would otherwise never shrink. `VACUUM`
    /// rewrites the file inside one transaction (a kill at any moment leaves the old or the new
    /// file, never a mix) and needs free disk space about the size of the index while it runs.
    /// Waits for other jobs like any write. Returns the file size before and after (bytes,
    /// write-ahead log included).
    pub fn compact(&mut self) -> Result<(u64, u64), IndexError> {
        let before = self.file_bytes();
        self.conn
            .execute_batch("VACUUM; PRAGMA wal_checkpoint(TRUNCATE);")
            .map_err(|e| self.sql(e))?;
        Ok((before, self.file_bytes()))
    }

    /// Bytes on disk: the file and its write-ahead log.
    fn file_bytes(&self) -> u64 {
        let mut wal = self.path.clone().into_os_string();
        wal.push("-wal");
        std::fs::metadata(&self.path).map_or(0, |m| m.len())
            + std::fs::metadata(&wal).map_or(0, |m| m.len())
    }

    /// Calls `f` with every indexed document, in the order they were added.
    pub fn export(
        &self,
        mut f: impl FnMut(Exported) -> std::io::Result<()>,
    ) -> Result<(), IndexError> {
        let mut q = self
            .conn
            .prepare(
                "SELECT d.id, s.name, d.date, d.cluster, d.batch, d.shingles_n \
                 FROM docs d LEFT JOIN sources s ON s.id = d.source ORDER BY d.seq",
            )
            .map_err(|e| self.sql(e))?;
        let rows = q
            .query_map([], |r| {
                Ok(Exported {
                    id: r.get(0)?,
                    source: r.get(1)?,
                    date: r.get(2)?,
                    cluster: r.get::<_, i64>(3)? as u64,
                    batch: r.get::<_, i64>(4)? as u64,
                    shingles: r.get::<_, i64>(5)? as u64,
                })
            })
            .map_err(|e| self.sql(e))?;
        for row in rows {
            f(row.map_err(|e| self.sql(e))?).map_err(|e| IndexError::Io("output".into(), e))?;
        }
        Ok(())
    }

    /// SQLite's integrity check plus naql's own invariants: every document has its band rows
    /// and no band row lacks its document, blobs have the stored widths, cluster ids were
    /// handed out. Returns the problems found (empty: consistent).
    pub fn check(&self) -> Result<Vec<String>, IndexError> {
        let c = &self.conn;
        let err = |e| self.sql(e);
        let mut problems = Vec::new();
        let mut q = c.prepare("PRAGMA integrity_check").map_err(err)?;
        let lines: Vec<String> = q
            .query_map([], |r| r.get(0))
            .map_err(err)?
            .collect::<Result<_, _>>()
            .map_err(err)?;
        if lines != ["ok"] {
            problems.extend(lines.into_iter().map(|l| format!("sqlite: {l}")));
        }
        let next: i64 = c
            .query_row(
                "SELECT value FROM meta WHERE key = 'next_cluster'",
                [],
                |r| r.get(0),
            )
            .map_err(err)?;
        let band_rows = self.check_docs(next, &mut problems)?;
        let total: i64 = c
            .query_row("SELECT count(*) FROM bands", [], |r| r.get(0))
            .map_err(err)?;
        if total as usize != band_rows {
            problems.push(format!(
                "{total} band rows, but the documents account for {band_rows}"
            ));
        }
        Ok(problems)
    }

    /// Checks each document row (blob widths, cluster id below `next`, history mode, its band
    /// rows) and returns how many band rows the documents account for.
    fn check_docs(&self, next: i64, problems: &mut Vec<String>) -> Result<usize, IndexError> {
        let c = &self.conn;
        let err = |e| self.sql(e);
        let k = self.config().signer.num_perm;
        let mut band_rows = 0usize;
        let mut has = c
            .prepare("SELECT 1 FROM bands WHERE key = ?1 AND seq = ?2")
            .map_err(err)?;
        let mut q = c
            .prepare("SELECT seq, id, cluster, sig, bands, shingles IS NOT NULL FROM docs")
            .map_err(err)?;
        let mut rows = q.query([]).map_err(err)?;
        while let Some(r) = rows.next().map_err(err)? {
            let seq: i64 = r.get(0).map_err(err)?;
            let id: String = r.get(1).map_err(err)?;
            let cluster: i64 = r.get(2).map_err(err)?;
            let sig: Vec<u8> = r.get(3).map_err(err)?;
            let bands: Vec<u8> = r.get(4).map_err(err)?;
            let stored_set: bool = r.get(5).map_err(err)?;
            if sig.len() != 2 * k {
                problems.push(format!(
                    "{id}: signature of {} bytes, expected {}",
                    sig.len(),
                    2 * k
                ));
            }
            if bands.len() != 4 * self.lsh.bands {
                problems.push(format!(
                    "{id}: {} band keys, expected {}",
                    bands.len() / 4,
                    self.lsh.bands
                ));
            }
            if cluster < 1 || cluster >= next {
                problems.push(format!("{id}: cluster {cluster} was never handed out"));
            }
            if stored_set != (self.history == History::Exact) {
                problems.push(format!("{id}: shingle set stored: {stored_set}"));
            }
            let mut keys = from_blob_u32(&bands);
            keys.sort_unstable();
            keys.dedup();
            for key in keys {
                band_rows += 1;
                if !has.exists(params![key as i32, seq]).map_err(err)? {
                    problems.push(format!(
                        "{id}: band key {key:08x} missing from the band table"
                    ));
                }
            }
        }
        Ok(band_rows)
    }
}

/// Deletes documents by `seq` with the band rows their `bands` blob names.
fn delete_docs(tx: &rusqlite::Transaction, doomed: &[(i64, Vec<u8>)]) -> rusqlite::Result<()> {
    let mut del_band = tx.prepare_cached("DELETE FROM bands WHERE key = ?1 AND seq = ?2")?;
    let mut del_doc = tx.prepare_cached("DELETE FROM docs WHERE seq = ?1")?;
    // Files made before verdicts were stored have no such table (see format.rs).
    let has_verdicts: bool = tx.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'verdicts'",
        [],
        |r| r.get(0),
    )?;
    let mut del_verdict = match has_verdicts {
        true => Some(tx.prepare_cached("DELETE FROM verdicts WHERE seq = ?1")?),
        false => None,
    };
    for (seq, bands) in doomed {
        for k in from_blob_u32(bands) {
            del_band.execute(params![k as i32, seq])?;
        }
        del_doc.execute([seq])?;
        super::passages::delete(tx, *seq)?;
        if let Some(d) = &mut del_verdict {
            // seq values can be handed out again: a stale verdict must not outlive its row.
            d.execute([seq])?;
        }
    }
    Ok(())
}
