// The slice of the k6 JavaScript API the load scripts use, so `npm run check` (tsc over load/) can
// type them without @types/k6 in package.json. k6 itself strips these types at run time.
// Shapes follow k6 v1.8 (https://grafana.com/docs/k6/latest/javascript-api/). If the scripts grow,
// prefer adding the `@types/k6` devDependency and deleting this file.

declare const __ENV: Record<string, string | undefined>;

declare module 'k6' {
  export type Checkers<T> = Record<string, (value: T) => boolean>;
  export function check<T>(value: T, checkers: Checkers<T>, tags?: Record<string, string>): boolean;
  export function sleep(seconds: number): void;
}

declare module 'k6/http' {
  export type ResponseType = 'text' | 'binary' | 'none';
  export type RequestBody = string | ArrayBuffer | Record<string, string>;
  export interface Params {
    headers?: Record<string, string>;
    tags?: Record<string, string>;
    redirects?: number;
    timeout?: string | number;
  }
  export interface Timings {
    blocked: number;
    connecting: number;
    tls_handshaking: number;
    sending: number;
    waiting: number;
    receiving: number;
    duration: number;
  }
  export interface RefinedResponse<_RT extends ResponseType | undefined> {
    status: number;
    body: string | ArrayBuffer | null;
    headers: Record<string, string | undefined>;
    cookies: Record<string, { name: string; value: string }[]>;
    timings: Timings;
    url: string;
  }
  export function request(method: string, url: string, body?: RequestBody | null, params?: Params): RefinedResponse<ResponseType>;
  export function post(url: string, body?: RequestBody | null, params?: Params): RefinedResponse<ResponseType>;
  const http: { request: typeof request; post: typeof post };
  export default http;
}

declare module 'k6/metrics' {
  export class Trend {
    constructor(name: string, isTime?: boolean);
    add(value: number, tags?: Record<string, string>): void;
  }
  export class Counter {
    constructor(name: string);
    add(value: number, tags?: Record<string, string>): void;
  }
}

declare module 'k6/execution' {
  const exec: {
    scenario: { name: string; startTime: number; iterationInTest: number };
  };
  export default exec;
}
