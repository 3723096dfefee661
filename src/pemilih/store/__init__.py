"""The store: Django models for immutable snapshots, the append-only event log and the
current voter list derived from it; bulk import of a reader's result.

Public API (import the submodules; importing this package does not touch Django):
  workspace.open_workspace(path=None, database_url=None) -> Workspace
  receive.import_result(ws, result, *, actor, agency, reason, legal_basis="",
                        allow_refused=False) -> ImportOutcome   (raises ImportRefused)
  projection.current_list(ws) -> polars.DataFrame;  projection.rebuild_projection(ws) -> int
  events: the registry of event kinds (names, schema versions, typed payload and change records)
  models: SourceFile, ImportBatch, BatchFile, SourceRecord, RowProblem, Event, Voter, Agency
"""
