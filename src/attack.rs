//! The ATT&CK view's model: the loaded rules' tactics × techniques, each cell with its rules and
//! how many alerts the scan raised for them. Yew-free, so it is tested natively.

use std::collections::BTreeMap;
use trailhound_engine::{Rule, TextAlert};

/// ATT&CK's enterprise tactics in kill-chain order (id, name).
pub use trailhound_engine::rules::TACTICS;

/// One tactic's column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub id: String,
    pub name: String,
    /// Its techniques covered by a loaded rule, by id.
    pub cells: Vec<Cell>,
}

/// A technique under a tactic: the rules that name it there, and their alerts.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub id: String,
    pub name: String,
    /// Sub-techniques the rules name (id, name), by id.
    pub subtechniques: Vec<(String, String)>,
    /// The rules that name it, by name.
    pub rules: Vec<CellRule>,
    /// Alerts raised by those rules and not suppressed.
    pub alerts: usize,
}

/// A rule in a cell, with the alerts it raised.
#[derive(Debug, Clone, PartialEq)]
pub struct CellRule {
    pub id: String,
    pub name: String,
    pub enabled: bool,
    /// Alerts it raised and not suppressed.
    pub alerts: usize,
}

/// The matrix of `rules`, counting the `alerts` whose `suppressed` entry is `None`. Tactics with no
/// rule are kept (an empty column says what is not covered); a tactic ATT&CK does not list comes
/// after the others.
pub fn matrix<'r>(
    rules: impl IntoIterator<Item = (&'r Rule, bool)>,
    alerts: &[impl AsRef<TextAlert>],
    suppressed: &[Option<usize>],
) -> Vec<Column> {
    let mut per_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, alert) in alerts.iter().enumerate() {
        if suppressed.get(i).copied().flatten().is_none() {
            *per_rule.entry(alert.as_ref().rule.rule_id.as_str()).or_default() += 1;
        }
    }
    let mut columns: Vec<Column> =
        TACTICS.iter().map(|(id, name)| Column { id: id.to_string(), name: name.to_string(), cells: Vec::new() }).collect();
    for (rule, enabled) in rules {
        for threat in &rule.threat {
            let at = match columns.iter().position(|c| c.id == threat.tactic.id) {
                Some(at) => at,
                None => {
                    columns.push(Column { id: threat.tactic.id.clone(), name: threat.tactic.name.clone(), cells: Vec::new() });
                    columns.len() - 1
                }
            };
            let column = &mut columns[at];
            for technique in &threat.technique {
                let cell = match column.cells.iter().position(|c| c.id == technique.id) {
                    Some(i) => &mut column.cells[i],
                    None => {
                        column.cells.push(Cell {
                            id: technique.id.clone(),
                            name: technique.name.clone(),
                            subtechniques: Vec::new(),
                            rules: Vec::new(),
                            alerts: 0,
                        });
                        column.cells.last_mut().expect("just pushed")
                    }
                };
                for sub in &technique.subtechnique {
                    if !cell.subtechniques.iter().any(|(id, _)| *id == sub.id) {
                        cell.subtechniques.push((sub.id.clone(), sub.name.clone()));
                    }
                }
                if !cell.rules.iter().any(|r| r.id == rule.rule_id) {
                    let alerts = per_rule.get(rule.rule_id.as_str()).copied().unwrap_or(0);
                    cell.rules.push(CellRule { id: rule.rule_id.clone(), name: rule.name.clone(), enabled, alerts });
                    cell.alerts += alerts;
                }
            }
        }
    }
    for column in &mut columns {
        column.cells.sort_by(|a, b| a.id.cmp(&b.id));
        for cell in &mut column.cells {
            cell.subtechniques.sort();
            cell.rules.sort_by(|a, b| a.name.cmp(&b.name));
        }
    }
    columns
}

#[cfg(test)]
mod tests {
    use super::*;
    use trailhound_engine::RuleSet;

    #[test]
    fn the_built_in_rules_cover_every_tactic_they_name_in_kill_chain_order() {
        let set = RuleSet::builtin();
        let alerts: Vec<std::rc::Rc<TextAlert>> = Vec::new();
        let columns = matrix(set.rules.iter().map(|r| (r, true)), &alerts, &[]);
        let ids: Vec<&str> = columns.iter().map(|c| c.id.as_str()).collect();
        let order: Vec<&str> = TACTICS.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, order, "the tactics, in order, with none added");
        let evasion = columns.iter().find(|c| c.id == "TA0005").expect("defense evasion");
        let removal = evasion.cells.iter().find(|c| c.id == "T1070").expect("the seed rule's technique");
        assert!(removal.rules.iter().any(|r| r.id == "227dc608-e558-43d9-b521-150772250bae"));
        for column in &columns {
            for cell in &column.cells {
                assert_eq!(cell.alerts, 0);
                assert!(!cell.rules.is_empty());
            }
        }
    }
}
