"""The store: immutable snapshots of what was received, an append-only event log, and the
current voter list as a projection derived from the events (see projection.py).

Nothing here is overwritten. Source files, import batches, the records read from them, their
problems and the events are append-only (appendonly.py, plus database triggers); only the
`Voter` projection is rewritten, and it can always be rebuilt from the events.
"""
from __future__ import annotations

from django.db import connection, models, transaction
from django.utils import timezone

from pemilih.domain.agencies import AGENCIES
from pemilih.store import chain, events
from pemilih.store.appendonly import AppendOnlyModel

# The agencies of domain/agencies.py as the models' choices.
Agency = models.TextChoices("Agency", [(code, (code, name)) for code, name in AGENCIES.items()])


class Kind(models.TextChoices):
    KPU = "kpu", "Daftar pemilih KPU"
    REGISTRY = "registry", "Data Disdukcapil"
    COKLIT = "coklit", "Lembar kerja coklit panitia"
    PACKAGE = "package", "Paket serah-kembali DPML"


class KpuColumns(models.Model):
    """One nullable text column per canonical KPU column (contract.KPU_COLUMNS).

    Values are kept exactly as the reader returned them (null stays null), so reading a
    batch back reproduces the records table it came from.
    """

    kecamatan = models.TextField(null=True, blank=True)
    desa = models.TextField(null=True, blank=True)
    kode_desa = models.TextField(null=True, blank=True)
    tps = models.TextField(null=True, blank=True)
    no = models.TextField(null=True, blank=True)
    nkk = models.TextField(null=True, blank=True)
    nik = models.TextField(null=True, blank=True)
    nama = models.TextField(null=True, blank=True)
    tempat_lahir = models.TextField(null=True, blank=True)
    tanggal_lahir = models.TextField(null=True, blank=True)
    status_kawin = models.TextField(null=True, blank=True)
    jenis_kelamin = models.TextField(null=True, blank=True)
    alamat = models.TextField(null=True, blank=True)
    rt = models.TextField(null=True, blank=True)
    rw = models.TextField(null=True, blank=True)
    disabilitas = models.TextField(null=True, blank=True)
    ktp_el = models.TextField(null=True, blank=True)
    keterangan = models.TextField(null=True, blank=True)

    class Meta:
        abstract = True


class SourceFile(AppendOnlyModel):
    """One file as received, its bytes kept as an immutable snapshot."""

    sha256 = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=255)
    size = models.BigIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    content = models.BinaryField()
    received_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.name} ({self.sha256[:12]})"


class ImportBatch(AppendOnlyModel):
    """A set of files imported together; its identity is the hash over the files' hashes."""

    kind = models.CharField(max_length=16, choices=Kind.choices)
    sha256 = models.CharField(max_length=64, unique=True)
    actor = models.CharField(max_length=200)
    agency = models.CharField(max_length=16, choices=Agency.choices)
    reason = models.TextField()
    legal_basis = models.TextField(blank=True)
    created = models.DateTimeField(default=timezone.now)
    row_count = models.BigIntegerField()
    problem_count = models.BigIntegerField()
    refused = models.JSONField(default=list, blank=True)  # files refused whole, when allowed
    files = models.ManyToManyField(SourceFile, through="BatchFile", related_name="batches")

    def __str__(self):
        return f"batch {self.pk} {self.kind} ({self.row_count} baris)"


class BatchFile(AppendOnlyModel):
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT)
    file = models.ForeignKey(SourceFile, on_delete=models.PROTECT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["batch", "file"], name="store_batchfile_once")]


class SourceRecord(AppendOnlyModel, KpuColumns):
    """One record as read, good or bad. Registry-only columns go to `payload`."""

    # No database FK constraints on the two references of this 200k-row table: PostgreSQL
    # would queue 400k deferred checks per import (seconds at commit). They cannot break:
    # the importer writes both parents in the same transaction, and parents can never be
    # deleted (append-only triggers). No index on file: records are found by batch.
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="records",
                              db_constraint=False)
    file = models.ForeignKey(SourceFile, on_delete=models.PROTECT, db_index=False,
                             db_constraint=False)
    source_ref = models.TextField()
    sheet = models.TextField(null=True, blank=True)  # null for CSV (no sheets)
    row = models.BigIntegerField(null=True)
    payload = models.JSONField(null=True, blank=True)


class RowProblem(AppendOnlyModel):
    """A problem a reader found, queryable (not log text). Row and column are null for
    file-level problems."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="problems")
    # Nullable like the reader's problems table: a file-level problem has no row.
    source_ref = models.TextField(null=True, blank=True)
    file = models.TextField(null=True, blank=True)
    sheet = models.TextField(null=True, blank=True)
    row = models.BigIntegerField(null=True)
    column = models.TextField(null=True, blank=True)
    code = models.CharField(max_length=40, db_index=True)
    reason = models.TextField()


class Event(AppendOnlyModel):
    """Something that happened to the list: who, when, which agency, why, on what basis.

    `kind` is one of events.KINDS; `payload` is its typed record as JSON, with its schema
    version (write with `Event.write`, read with `data()`)."""

    LIST_IMPORTED = events.LIST_IMPORTED
    REGISTRY_IMPORTED = events.REGISTRY_IMPORTED

    seq = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=40)
    happened_at = models.DateTimeField(default=timezone.now)
    actor = models.CharField(max_length=200)
    agency = models.CharField(max_length=16, choices=Agency.choices)
    reason = models.TextField()
    legal_basis = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    voter_key = models.CharField(max_length=255, blank=True, db_index=True)
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.PROTECT)
    undoes = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="undone_by")
    # The hash chain (store/chain.py): the predecessor's hash and this event's own. Null only
    # in a workspace migration 0008 has not reached yet.
    prev_hash = models.CharField(max_length=64, null=True, blank=True)
    hash = models.CharField(max_length=64, null=True, blank=True)

    class Meta:
        ordering = ["seq"]

    def save(self, *args, **kwargs):
        """Append: the sequence and the chain's link are taken under one lock, in the
        transaction that inserts, so concurrent writers (web jobs, the command line) queue
        and the chain cannot fork."""
        if not self._state.adding:
            return super().save(*args, **kwargs)  # refused by AppendOnlyModel
        with transaction.atomic():
            seq, previous = _chain_head()
            if self.seq is None:
                self.seq = seq
            self.prev_hash = previous
            self.hash = chain.digest(previous, {name: getattr(self, name) for name in chain.FIELDS})
            return super().save(*args, **kwargs)

    def __str__(self):
        return f"#{self.seq} {self.kind}"

    @classmethod
    def write(cls, kind: str, record: events.Payload, **fields) -> Event:
        """A new event of `kind` holding `record` (its kind's payload type), versioned."""
        event = cls.objects.create(kind=kind, payload=events.payload_of(kind, record), **fields)
        event._data = record  # what its payload reads back as: applying it needs no second parse
        return event

    def data(self) -> events.Payload:
        """The payload as its typed record; events.EventError for a kind or schema version this
        release does not know."""
        if getattr(self, "_data", None) is None:
            self._data = events.parse(self.kind, self.payload, self.seq)
        return self._data


def _chain_head() -> tuple[int, str]:
    """(the next event's sequence, the last event's hash), with the log locked for writing
    until the caller's transaction ends. SQLite: the transaction began IMMEDIATE (dburl.py),
    so it holds the database's write lock already. PostgreSQL: an advisory lock of the
    transaction, then the sequence's next value."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(7326001)")
            cursor.execute("SELECT nextval(pg_get_serial_sequence('store_event', 'seq'))")
            seq = cursor.fetchone()[0]
        else:
            cursor.execute("SELECT MAX(COALESCE((SELECT MAX(seq) FROM store_event), 0), COALESCE("
                           "(SELECT seq FROM sqlite_sequence WHERE name = 'store_event'), 0)) + 1")
            seq = cursor.fetchone()[0]
        cursor.execute("SELECT hash FROM store_event ORDER BY seq DESC LIMIT 1")
        last = cursor.fetchone()
    return seq, (last[0] or chain.GENESIS) if last else chain.GENESIS


class Voter(KpuColumns):
    """The current list: a projection of the events, rewritten by projection.py only."""

    # What events name: the source_ref of an imported voter. The only index of the table
    # (bulk loads pay for every index; PostgreSQL's extra LIKE index is dropped in 0003).
    key = models.TextField(primary_key=True)
    # List order: the source record id for an imported voter, so a rebuild gives the very
    # same table. Not indexed: reading the list sorts it once, cheaper than indexing each load.
    position = models.BigIntegerField()
    # No constraint or index: derived data, checked by rebuilding, and 200k FK checks cost.
    record = models.ForeignKey(SourceRecord, null=True, blank=True, on_delete=models.DO_NOTHING,
                               db_index=False, db_constraint=False)
    source_ref = models.TextField(blank=True)
    last_seq = models.BigIntegerField()  # the event that last shaped this row


class Proposal(AppendOnlyModel):
    """A verification finding offered for review, once per finding_key (same key = same data).

    Immutable: its status (open, accepted, rejected) follows from the ReviewDecision rows and
    the undo events, never from an edit here. Loading the same findings again adds nothing.
    """

    finding_key = models.CharField(max_length=64, unique=True)
    code = models.CharField(max_length=40, db_index=True)
    source_ref = models.TextField(blank=True)
    field = models.TextField(null=True, blank=True)
    current = models.TextField(null=True, blank=True)
    proposed = models.TextField(null=True, blank=True)
    registry_nik = models.TextField(null=True, blank=True)
    duplicate_of = models.TextField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    reason = models.TextField(blank=True)
    evidence = models.TextField(blank=True)
    kode_desa = models.TextField(null=True, blank=True, db_index=True)
    # The findings-loaded event; no FK check per row (bulk load of thousands, parent immutable).
    event = models.ForeignKey(Event, on_delete=models.PROTECT, db_constraint=False,
                              related_name="proposals")


class ReviewDecision(AppendOnlyModel):
    """One proposal's verdict within a decision event (accept or reject); undone by an undo
    event pointing at that decision event, never by removing this row."""

    ACCEPT = "accept"
    REJECT = "reject"

    event = models.ForeignKey(Event, on_delete=models.PROTECT, db_constraint=False,
                              related_name="decisions")
    finding_key = models.CharField(max_length=64, db_index=True)
    verdict = models.CharField(max_length=8)


# --- the village cycle (issue 4) -------------------------------------------------------------

class Agreement(AppendOnlyModel):
    """A data-sharing agreement (nota kesepahaman / perjanjian kerja sama) that personal data
    may be exported under. Immutable: a changed agreement is a new one with a new number."""

    number = models.CharField(max_length=120, unique=True)
    title = models.TextField()
    provider = models.CharField(max_length=16, choices=Agency.choices)  # who gives the data
    recipient = models.CharField(max_length=16, choices=Agency.choices)  # who receives it
    parties = models.JSONField(default=list)  # [{"name", "role", "agency"}] who signed
    purpose = models.TextField()
    legal_basis = models.TextField()
    data_elements = models.JSONField(default=list)  # column names that may be shared
    villages = models.JSONField(default=list)  # kode_desa covered; ["*"] = the whole regency
    valid_from = models.DateField()
    valid_to = models.DateField()
    retention = models.TextField()  # what happens to the copies, and when
    event = models.ForeignKey(Event, on_delete=models.PROTECT, db_constraint=False,
                              related_name="agreements")

    def covers(self, kode_desa: str) -> bool:
        return "*" in self.villages or kode_desa in self.villages

    def __str__(self):
        return f"{self.number} ({self.provider} -> {self.recipient})"


class Election(AppendOnlyModel):
    """A village-head election (Pilkalem) or another election a list is built for."""

    code = models.CharField(max_length=80, unique=True)
    name = models.TextField()
    regime = models.CharField(max_length=20)  # code table (domain/codes.py)
    voting_day = models.DateField()
    dps_set_on = models.DateField()  # the 6-month domicile rule counts back from here
    villages = models.JSONField(default=list)  # kode_desa holding the election
    max_per_tps = models.IntegerField()
    # Ballot reserve, % of each TPS's voters rounded up per TPS, as written ("2.5": exact, no
    # float). Null for elections made before it was stored: the Pilkalem preset's figure.
    reserve_percent = models.CharField(max_length=12, null=True, blank=True)
    # The schedule (domain/election_rules.py): the DPS's announcement and response deadline,
    # the DPT's day. Null for elections made before it was stored: the regime's defaults.
    announce_until = models.DateField(null=True, blank=True)
    responses_until = models.DateField(null=True, blank=True)
    dpt_set_on = models.DateField(null=True, blank=True)
    event = models.ForeignKey(Event, on_delete=models.PROTECT, db_constraint=False,
                              related_name="elections")


class ElectionList(AppendOnlyModel):
    """A list set for an election at one stage: DPS, DPT or DPTb; its rows are ElectionVoter."""

    DPS, DPT, DPTB = "DPS", "DPT", "DPTb"

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="lists")
    stage = models.CharField(max_length=8)
    event = models.ForeignKey(Event, on_delete=models.PROTECT, db_constraint=False,
                              related_name="election_lists")
    voters = models.BigIntegerField()
    # What the list was set with, whoever set it (null on lists set before they were stored:
    # the election's own then applied).
    regime = models.CharField(max_length=20, null=True, blank=True)
    max_per_tps = models.IntegerField(null=True, blank=True)
    reserve_percent = models.CharField(max_length=12, null=True, blank=True)


class ElectionVoter(AppendOnlyModel, KpuColumns):
    """One voter of a set election list, as the list was set (the current list moves on)."""

    # Bulk-written; parent immutable and written in the same transaction: no FK check.
    list = models.ForeignKey(ElectionList, on_delete=models.PROTECT, db_constraint=False,
                             db_index=True, related_name="rows")
    key = models.TextField()
    position = models.BigIntegerField()
    tps_number = models.IntegerField()  # the election's TPS (kpu `tps` keeps the KPU one)


# --- the access log (issue 13) -----------------------------------------------------------------

class AccessLog(AppendOnlyModel):
    """One view or download of personal data: who, through what (web or command line), what
    (`action`, e.g. the voter list page or a coklit workbook), its scope (village, election,
    list), how many rows, under which agreement, when. Written by store/audit.record_access
    only; append-only like the log of events."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.CharField(max_length=200, db_index=True)
    agency = models.CharField(max_length=16, blank=True)
    channel = models.CharField(max_length=8)  # "web" or "cli"
    action = models.CharField(max_length=60)
    scope = models.JSONField(default=dict, blank=True)  # {"desa": ..., "pemilihan": ..., "daftar": ...}
    rows = models.BigIntegerField(null=True, blank=True)
    agreement = models.CharField(max_length=120, blank=True)  # its number; "" for KPU's own list


class RedactionPass(models.Model):
    """Open only inside the transaction of a retention run (store/retention.py): while a row
    exists, the database lets that transaction UPDATE (never DELETE) the append-only tables
    that hold personal data, to blank it; the run removes the row before it commits, so no
    other transaction ever sees one (migration 0009)."""

    started = models.DateTimeField(default=timezone.now)
