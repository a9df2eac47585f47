// Temporary re-export for src/ir, src/passes and src/codegen (being switched to src/support); remove with their last import.
export { writeFileAtomic } from '../support/atomic-write.ts';
