"""The web application's own tables: accounts (role and village scope), background jobs and
the public look-up counter. None of them is part of the voter list's history (that is the
store's event log); a job's effect on the list is the events its library call records."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from pemilih.web.roles import AGENCY, Role


class Account(models.Model):
    """What a login may do: its role and, for a village committee, its one village."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account")
    role = models.CharField(max_length=16, choices=Role.choices)
    kode_desa = models.CharField(max_length=20, blank=True)  # only for Role.PANITIA
    # Set by an administrator's reset: the temporary password must be changed before anything else.
    must_change_password = models.BooleanField(default=False)
    # The second factor (TOTP, RFC 6238): the base32 secret, when it was confirmed (None: not in
    # use), and the last time step accepted (a code is good once).
    totp_secret = models.CharField(max_length=64, blank=True)
    totp_confirmed = models.DateTimeField(null=True, blank=True)
    totp_last_step = models.BigIntegerField(default=0)

    @property
    def agency(self) -> str:
        return AGENCY[Role(self.role)]

    def __str__(self):
        return f"{self.user.username} ({self.get_role_display()})"


class Job(models.Model):
    """Long work run by the worker process; the page polls its progress."""

    QUEUED, RUNNING, DONE, FAILED = "antri", "berjalan", "selesai", "gagal"
    STATUSES = [(QUEUED, "Menunggu"), (RUNNING, "Berjalan"), (DONE, "Selesai"), (FAILED, "Gagal")]

    kind = models.CharField(max_length=40)
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=STATUSES, default=QUEUED, db_index=True)
    stage = models.TextField(blank=True)  # what it is doing now, in Bahasa Indonesia
    done = models.BigIntegerField(default=0)
    total = models.BigIntegerField(null=True)
    message = models.TextField(blank=True)  # the outcome or the reason it failed
    result = models.JSONField(default=dict)
    files = models.JSONField(default=list)  # names of the files it wrote (jobs.output_dir)
    kode_desa = models.CharField(max_length=20, blank=True)  # the village it concerns, if one
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(default=timezone.now)
    started = models.DateTimeField(null=True)
    finished = models.DateTimeField(null=True)
    pid = models.IntegerField(null=True)  # the job's own process (and process group) while it runs
    files_expired = models.DateTimeField(null=True)  # when its output files were deleted (jobs.expire_outputs)

    class Meta:
        ordering = ["-id"]

    @property
    def percent(self) -> int:
        if self.status == self.DONE:
            return 100
        if not self.total:
            return 0
        return max(0, min(100, int(100 * self.done / self.total)))

    @property
    def finished_work(self) -> bool:
        return self.status in (self.DONE, self.FAILED)

    @property
    def files_gone(self) -> bool:
        return bool(self.files) and self.files_expired is not None


class LookupCount(models.Model):
    """Public look-ups per day and outcome: counted, never stored with the NIK."""

    day = models.DateField()
    outcome = models.CharField(max_length=16)  # ditemukan / tidak-ditemukan / ditolak / dibatasi
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "outcome"], name="web_lookupcount_once")]


class AccountEvent(models.Model):
    """Who did what to which account, and when: created, password changed or reset, disabled,
    enabled, second factor set or reset, login lock lifted. Usernames only, nothing personal."""

    when = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.CharField(max_length=150)  # a username, or "<os user> (baris perintah)"
    target = models.CharField(max_length=150)  # the account's username
    action = models.CharField(max_length=40)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["-when", "-id"]
