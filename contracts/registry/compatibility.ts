// BACKWARD compatibility: a consumer using the NEW schema must read data written with the OLD one.
// The registry gives the verdict; avsc's schema resolution explains it (the registry's Confluent-
// compatible API may answer only true/false), so a failing check names subject and reason.
import avro from 'avsc';
import { RegistryClient } from './registry-client.ts';

export interface CompatibilityVerdict {
  readonly subject: string;
  readonly compatible: boolean;
  /** Why not, when incompatible; empty when compatible or when there is nothing to compare with. */
  readonly reasons: readonly string[];
  /** False when the subject has no version yet: any first schema is acceptable. */
  readonly hadPreviousVersion: boolean;
}

/** Why `reader` cannot read data written with `writer`, per Avro schema resolution (or undefined). */
export function backwardIncompatibility(writer: unknown, reader: unknown): string | undefined {
  const writerType = avro.Type.forSchema(writer as avro.Schema);
  const readerType = avro.Type.forSchema(reader as avro.Schema);
  try {
    readerType.createResolver(writerType);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

export async function checkBackwardCompatibility(registryUrl: string, subject: string, candidate: unknown): Promise<CompatibilityVerdict> {
  const registry = new RegistryClient(registryUrl);
  const latest = await registry.latestSchema(subject);
  if (!latest) return { subject, compatible: true, reasons: [], hadPreviousVersion: false };
  const verdict = await registry.isCompatible(subject, candidate);
  const local = backwardIncompatibility(JSON.parse(latest.schema), candidate);
  const reasons = [...verdict.messages];
  if (local) reasons.push(local);
  if (!verdict.compatible && reasons.length === 0) reasons.push('the registry reports the schema incompatible with the latest version');
  // The registry's verdict rules; avsc only explains. If they disagree, say so rather than hide it.
  if (verdict.compatible && local) {
    return { subject, compatible: false, reasons: [`avsc resolution fails although the registry accepts it: ${local}`], hadPreviousVersion: true };
  }
  return { subject, compatible: verdict.compatible, reasons: verdict.compatible ? [] : reasons, hadPreviousVersion: true };
}
