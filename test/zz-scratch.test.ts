import { it } from 'vitest';
import { parseManifestText } from '../src/manifests/parse.js';
import { formatProblem } from '../src/model/problem.js';

const td = (extra = '') => `apiVersion: ecs-reconciler/v1
kind: TaskDefinition
metadata:
  name: app
spec:
  containerDefinitions:
    - name: a
      image: nginx
    - name: b
      image: nginx
      imagee: x${extra}
`;
const svc = (body: string) => `apiVersion: ecs-reconciler/v1
kind: Service
metadata:
  name: web
  cluster: prod
spec:
  taskDefinition: app
${body}`;
const cases: Record<string, [string, string, Record<string,string>?]> = {
  unknown: ['s.yaml', svc('  desiredCont: 2\n')],
  nested: ['t.yaml', td()],
  kind: ['k.yaml', 'apiVersion: ecs-reconciler/v1\nkind: Servce\nmetadata: {name: x}\nspec: {}\n'],
  api: ['a.yaml', 'apiVersion: v1\nkind: Service\n'],
  type: ['s.yaml', svc('  desiredCount: two\n')],
  neg: ['s.yaml', svc('  desiredCount: -1\n')],
  float: ['s.yaml', svc('  desiredCount: 1.5\n')],
  enum: ['s.yaml', svc('  launchType: FARGAT\n')],
  missing: ['t.yaml', 'apiVersion: ecs-reconciler/v1\nkind: TaskDefinition\nmetadata:\n  name: app\nspec:\n  cpu: "256"\n'],
  missingSpec: ['t.yaml', 'apiVersion: ecs-reconciler/v1\nkind: TaskDefinition\nmetadata:\n  name: app\n'],
  syntax: ['y.yaml', 'a: b\n  c: d\nkey: [1, 2\n'],
  dupkey: ['d.yaml', svc('  desiredCount: 1\n  desiredCount: 2\n')],
  empty: ['e.yaml', ''],
  comments: ['c.yaml', '# hi\n# there\n'],
  commentsDocs: ['c.yaml', '# hi\n---\n# there\n---\n'],
  bomb: ['b.yaml', 'a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n'],
  deep: ['n.yaml', 'a: ' + '['.repeat(200) + ']'.repeat(200) + '\n'],
  deep2000: ['n.yaml', 'a: ' + '['.repeat(5000) + ']'.repeat(5000) + '\n'],
  undef: ['s.yaml', svc('  desiredCount: 1\n  tags: { a: "x-${NOPE}" }\n')],
  literal: ['s.yaml', svc('  desiredCount: 1\n  tags: { a: "x-$${NOPE}" }\n')],
  count: ['s.yaml', svc('  desiredCount: ${COUNT}\n'), { COUNT: '3' }],
  inject: ['s.yaml', svc('  desiredCount: 1\n  tags: { a: "${EVIL}" }\n'), { EVIL: 'x\nlaunchType: EC2\nb: c' }],
  json: ['w.json', '// c\n{\n  "family": "w", // x\n  /* y */ "containerDefinitions": [{"name": "a", "image": "http://x//y"}]\n}\n'],
  jsonErr: ['w.json', '{\n  "family": "w",\n  "containerDefinitions": [\n    {"name": "a" "image": "x"}\n  ]\n}\n'],
  jsonTrailing: ['w.json', '{\n  "family": "w",\n  "containerDefinitions": [],\n}\n'],
  jsonUnterminated: ['w.json', '{\n  "family": "w",\n  /* x\n}\n'],
  multi: ['m.yaml', 'apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata: {name: a}\nspec: {}\n---\napiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata: {name: b}\nspec: {bogus: 1}\n---\napiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata: {name: c}\nspec: {}\n'],
  multiSyntax: ['m.yaml', 'apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata: {name: a}\nspec: {}\n---\nkind: [\n---\napiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata: {name: c}\nspec: {}\n'],
  scalar: ['x.yaml', 'hello\n'],
  nullspec: ['c.yaml', 'apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata: {name: a}\nspec:\n'],
  tagsKey: ['c.yaml', 'apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata: {name: a}\nspec:\n  tags:\n    - {key: a, valu: b}\n'],
  numkey: ['c.yaml', 'apiVersion: ecs-reconciler/v1\nkind: Cluster\nmetadata: {name: a}\nspec:\n  tags:\n    1: b\n'],
};
it('explore', () => {
  for (const [name, [file, text, vars]] of Object.entries(cases)) {
    const t0 = Date.now();
    let r;
    try { r = parseManifestText(file, text, { vars: new Map(Object.entries(vars ?? {})), defaultRegion: 'us-east-1' }); }
    catch (e) { console.log(`## ${name}: THROWS ${(e as Error).message.slice(0,200)}`); continue; }
    console.log(`## ${name} (${Date.now()-t0}ms) res=${r.resources.map(x=>x.name+JSON.stringify(x.spec).slice(0,150)).join(',')} invalid=${r.invalid.length}\n` + r.problems.map(p => '   ' + formatProblem(p)).join('\n'));
  }
});
