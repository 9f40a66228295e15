import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { FaceDuplicateConflict, PersonEnrolResult } from '@hadir/contracts';
import { ApiError } from '../../api/client';
import { errorMessage } from '../../api/errors';
import { useCan } from '../../auth/session';
import { FormModal, Modal, TextField, useToast } from '@hadir/ui';
import { datasetKeys, datasetsApi } from '../datasets/datasets-api';
import { DuplicateWarning, duplicateConflictOf } from '../enrolment/face-review';
import { videoKeys } from './videos-api';

/** A video person as the person pages and the dataset review know it. */
export interface PersonRef {
  id: string;
  code: string;
  name: string | null;
}

/** What an enrolment from a person did, in one sentence for a toast. */
export function enrolMessage(t: TFunction, r: PersonEnrolResult | null): string {
  if (!r || r.accepted + r.rejected === 0) return t('ds.enrol.nothing');
  const parts: string[] = [
    r.pending > 0 ? t('ds.enrol.pending', { count: r.pending }) : t('ds.enrol.sent', { count: r.accepted }),
  ];
  if (r.rejected > 0) parts.push(t('ds.enrol.rejected', { count: r.rejected }));
  return parts.join(' · ');
}

/** Enrols a linked person's crops; a person without crops yet is no error here (the toast says so). */
async function enrolCrops(personId: string, allowDuplicate: boolean): Promise<PersonEnrolResult | null> {
  try {
    return await datasetsApi.enrolFromPerson(personId, allowDuplicate);
  } catch (e) {
    if (e instanceof ApiError && e.code === 'no_crops') return null;
    throw e;
  }
}

/**
 * Enrol a linked person's reviewed crops through the normal enrolment path: faces the quality gate
 * refuses are counted, and a face that already matches another employee stops everything until
 * someone who may register faces confirms it (the same warning as the enrolment page).
 */
export function useEnrolFromPerson(personId: string, onDone: () => void) {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const [conflict, setConflict] = useState<FaceDuplicateConflict | null>(null);
  const enrol = useMutation({
    mutationFn: (allowDuplicate: boolean) => enrolCrops(personId, allowDuplicate),
    onSuccess: (r) => {
      setConflict(null);
      toast.show(enrolMessage(t, r));
      void qc.invalidateQueries({ queryKey: datasetKeys.all });
      onDone();
    },
    onError: (e) => {
      const c = duplicateConflictOf(e);
      if (c) setConflict(c);
      else toast.show(errorMessage(t, e), 'error');
    },
  });
  return { enrol, conflict, setConflict };
}

/** The duplicate-face warning of an enrolment from a person, with "enrol anyway". */
export function PersonDuplicateModal({
  person,
  conflict,
  onClose,
}: {
  person: PersonRef;
  conflict: FaceDuplicateConflict;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const canConfirm = useCan('member:face:register');
  const { enrol } = useEnrolFromPerson(person.id, onClose);
  return (
    <Modal open onClose={onClose} title={t('ds.enrol.duplicateTitle', { code: person.code })}>
      <DuplicateWarning
        conflict={conflict}
        canConfirm={canConfirm}
        busy={enrol.isPending}
        onConfirm={() => enrol.mutate(true)}
        onCancel={onClose}
      />
    </Modal>
  );
}

/**
 * A new employee from a person: name and code; the server creates them (the employee rules: unique
 * code, audit), links the person and enrols its reviewed crops through the enrolment path.
 */
export function CreateEmployeeFromPerson({ person, onClose }: { person: PersonRef; onClose: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const [name, setName] = useState(person.name ?? '');
  const [code, setCode] = useState('');
  const [touched, setTouched] = useState(false);
  const [conflict, setConflict] = useState<FaceDuplicateConflict | null>(null);
  const save = useMutation({
    mutationFn: () =>
      datasetsApi.createEmployeeFromPerson(person.id, { name: name.trim(), employeeCode: code.trim() }),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: videoKeys.all });
      void qc.invalidateQueries({ queryKey: datasetKeys.all });
      toast.show(t('vid.persons.createdDone'));
      if (r.duplicate) setConflict(r.duplicate as FaceDuplicateConflict);
      else {
        toast.show(enrolMessage(t, r.enrolment));
        onClose();
      }
    },
  });
  if (conflict) return <PersonDuplicateModal person={person} conflict={conflict} onClose={onClose} />;
  const codeOk = /^[A-Za-z0-9._-]{1,32}$/.test(code.trim());
  return (
    <FormModal
      open
      onClose={onClose}
      title={t('vid.persons.createTitle', { code: person.code })}
      description={t('vid.persons.createHint')}
      formId="create-employee-from-person"
      submitLabel={t('vid.persons.createEmployee')}
      submitting={save.isPending}
      formClassName="space-y-4"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        setTouched(true);
        if (name.trim() && codeOk) save.mutate();
      }}
    >
      <TextField
        label={t('vid.persons.name')}
        value={name}
        maxLength={120}
        onChange={(e) => setName(e.target.value)}
        error={touched && !name.trim() ? t('validation.required') : null}
      />
      <TextField
        label={t('vid.persons.employeeCode')}
        value={code}
        maxLength={32}
        onChange={(e) => setCode(e.target.value)}
        error={touched && !codeOk ? t('validation.code') : save.isError ? errorMessage(t, save.error) : null}
      />
    </FormModal>
  );
}
