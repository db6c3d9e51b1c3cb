import type { SimControls } from '../http/pointApi.ts';
import type { SimFridges } from './simFridges.ts';

/** The virtual point page's fridge buttons: open/close a fridge's door, cut/restore its power. */
export function simFridgeControls(fridges: SimFridges): Required<Pick<SimControls, 'fridges' | 'fridge'>> {
  return {
    fridges: () => fridges.view(),
    fridge: (id, action) => {
      if (!fridges.configs.some((c) => c.id === id)) return false;
      fridges.control(id, { action });
      return true;
    },
  };
}
