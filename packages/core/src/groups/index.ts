export { groupOrder, type GroupMemberRef, type GroupOrder } from './order.js';
