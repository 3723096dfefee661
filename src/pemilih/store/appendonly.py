"""Append-only tables: rows are written once and never changed or removed.

The ORM refuses here (save of an existing row, delete, queryset update/delete); the database
refuses too, through triggers installed by migration 0002 (see `guards.py`), so raw SQL and
other programs cannot rewrite history either. A correction is a new event, never an edit.
"""
from __future__ import annotations

from django.db import models


class AppendOnlyError(Exception):
    """An attempt to change or remove a row of an append-only table."""


def _refuse(what: str, model) -> AppendOnlyError:
    return AppendOnlyError(
        f"Tabel {model._meta.db_table} hanya boleh ditambah: {what} ditolak "
        "(koreksi dicatat sebagai peristiwa baru)")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise _refuse("mengubah baris", self.model)

    def delete(self):
        raise _refuse("menghapus baris", self.model)

    def bulk_update(self, objs, fields, batch_size=None):
        raise _refuse("mengubah baris", self.model)

    def update_or_create(self, defaults=None, create_defaults=None, **kwargs):
        raise _refuse("mengubah baris", self.model)

    # Django's Collector uses this private path for fast deletes; close it as well.
    def _raw_delete(self, using):
        raise _refuse("menghapus baris", self.model)


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise _refuse("menyimpan ulang baris yang sudah ada", type(self))
        kwargs["force_insert"] = True  # never let Django turn this into an UPDATE
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise _refuse("menghapus baris", type(self))
