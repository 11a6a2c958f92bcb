import Type from 'typebox';
import { str, strict } from '../../common/http/response-schemas.js';

/** Neutron's tag bodies (standard-attr-tag): the list, and the replaced list on PUT. */
export const tagListResponse = strict({ tags: Type.Array(str) });
