import { NotFoundError } from '../../common/errors.js';
import { route } from '../../common/http/route-spec.js';
import type { ImageDeps } from '../image-deps.js';
import {
  imageSchemaDocument,
  imagesSchemaDocument,
  memberSchemaDocument,
  membersSchemaDocument,
} from '../images/image-schemas.js';
import { schemaDocumentResponse, storesInfoResponse } from '../images/image-response-schemas.js';

const documents = {
  image: imageSchemaDocument,
  images: imagesSchemaDocument,
  member: memberSchemaDocument,
  members: membersSchemaDocument,
} as const;

export const schemaRoutes = [
  ...Object.entries(documents).map(([name, document]) =>
    route<ImageDeps>({
      method: 'GET',
      url: `/v2/schemas/${name}`,
      // Schemas are public knowledge to any authenticated caller; Glance has no rule for them.
      successStatus: 200,
      response: schemaDocumentResponse,
      expectedErrors: [],
      handler: async () => document(),
    }),
  ),
  route<ImageDeps>({
    method: 'GET',
    url: '/v2/info/stores',
    // Strata keeps one file store per host, so it answers as Glance does without multiple stores.
    successStatus: 200,
    response: storesInfoResponse,
    expectedErrors: [404],
    handler: async () => {
      throw new NotFoundError('image.info.stores', 'Multi backend is not supported at this site.');
    },
  }),
];
