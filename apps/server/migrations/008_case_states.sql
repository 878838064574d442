-- The rectification loop's two further states (packages/domain/src/caseStateMachine.ts):
-- 延期申请中 and 反弹重开. The CHECK mirrors the domain's one list of states.
ALTER TABLE problems DROP CONSTRAINT problems_status_check;
ALTER TABLE problems ADD CONSTRAINT problems_status_check CHECK (status IN (
  'pending_judgment', 'assigned', 'in_progress', 'extension_requested', 'pending_verification',
  'returned', 'closed', 'reopened', 'dismissed', 'merged'));
