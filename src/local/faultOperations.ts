/**
 * The API operations a `deny` fault may name (faults.ts), per front that has one: the operations
 * each local service serves, written bare or as the IAM action (lambda:Invoke, logs:FilterLogEvents).
 */
/** The Lambda API operations this stack serves: what a deny fault may name. */
const LAMBDA_OPERATIONS = [
  'Invoke',
  'GetFunctionConfiguration',
  'UpdateFunctionConfiguration',
  'GetFunctionEventInvokeConfig',
  'PutFunctionEventInvokeConfig',
  'UpdateFunctionEventInvokeConfig',
  'DeleteFunctionEventInvokeConfig',
  'ListFunctionEventInvokeConfigs',
  'CreateEventSourceMapping',
  'GetEventSourceMapping',
  'UpdateEventSourceMapping',
  'DeleteEventSourceMapping',
  'ListEventSourceMappings',
] as const;

/** The CloudWatch Logs operations this stack serves: what a logs deny fault may name. */
const LOGS_OPERATIONS = ['FilterLogEvents', 'GetLogEvents', 'DescribeLogGroups', 'DescribeLogStreams'] as const;
/** What a deny fault may name on each front that has one (written bare or as the IAM action, lambda:Invoke, logs:FilterLogEvents). */
export const DENIABLE: Readonly<Record<string, { operations: readonly string[]; api: string; example: string } | undefined>> = {
  lambda: { operations: LAMBDA_OPERATIONS, api: 'Lambda', example: 'lambda:deny GetFunctionEventInvokeConfig' },
  logs: { operations: LOGS_OPERATIONS, api: 'CloudWatch Logs', example: 'logs:deny FilterLogEvents' },
};
