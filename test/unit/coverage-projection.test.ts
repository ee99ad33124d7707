// The coverage report's merge of child-process hits (test/support/coverage-projection.ts): one structure per
// file, so a statement is counted once, and a hit lands only on the statement it belongs to.
import { describe, expect, it } from 'vitest';
import { addChildHits, type FileCoverageData } from '../support/coverage-projection.js';

const at = (line: number, column: number | null, endColumn: number | null = null) => ({ start: { line, column }, end: { line, column: endColumn } });

function file(statements: Array<[number, number | null, number]>): FileCoverageData {
  const data: FileCoverageData = { statementMap: {}, s: {}, fnMap: {}, f: {}, branchMap: {}, b: {} };
  statements.forEach(([line, column, hits], i) => {
    data.statementMap[String(i)] = at(line, column);
    data.s[String(i)] = hits;
  });
  return data;
}

describe('adding child-process hits to vitest’s structure of a file', () => {
  it('keeps one statement per place: a line with as many statements on both sides pairs them in column order', () => {
    const target = file([[6, 13, 0], [6, 39, 0], [7, 13, 1]]);
    const child = file([[6, 21, 2], [6, 39, 0], [7, 22, 0]]);
    expect(addChildHits(target, child)).toEqual({ placed: 3, unplaced: 0 });
    expect(Object.keys(target.statementMap)).toHaveLength(3);
    expect(target.s).toEqual({ 0: 2, 1: 0, 2: 1 });
  });

  it('lends no hit to a statement the child did not run, and drops a child statement with no counterpart', () => {
    const target = file([[10, 2, 0], [10, 20, 0], [12, 4, 0]]);
    const child = file([[10, 20, 5], [11, 0, 7]]);
    expect(addChildHits(target, child)).toEqual({ placed: 1, unplaced: 1 });
    expect(target.s).toEqual({ 0: 0, 1: 5, 2: 0 });
  });

  it('adds a branch’s arms only when both sides see the same number of arms', () => {
    const target = file([]);
    const child = file([]);
    target.branchMap['0'] = { loc: at(3, 2), locations: [at(3, 2), at(3, 9)] };
    target.b['0'] = [1, 0];
    target.branchMap['1'] = { loc: at(5, 2), locations: [at(5, 2), at(5, 9)] };
    target.b['1'] = [0, 0];
    child.branchMap['0'] = { loc: at(3, 2), locations: [at(3, 2), at(3, 9)] };
    child.b['0'] = [0, 4];
    child.branchMap['1'] = { loc: at(5, 2), locations: [at(5, 2), at(5, 9), at(5, 14)] };
    child.b['1'] = [1, 1, 1];
    addChildHits(target, child);
    expect(target.b).toEqual({ 0: [1, 4], 1: [0, 0] });
  });
});
